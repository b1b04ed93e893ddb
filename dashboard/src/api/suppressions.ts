import { request } from './client';
import type { CursorPage, Suppression, SuppressionImportResult, SuppressionReason } from './types';

export const listSuppressions = (projectId: string, q: { limit: number; cursor?: string; search?: string }) =>
  request<CursorPage<Suppression>>('/suppression-list', { projectId, query: q });

/** Idempotent: an address that is listed already comes back unchanged (200 instead of 201). */
export const addSuppression = (projectId: string, body: { email: string; reason?: SuppressionReason; details?: string }) =>
  request<Suppression>('/suppression-list', { method: 'POST', body, projectId });

export const removeSuppression = (projectId: string, email: string) =>
  request<{ success: true; email: string }>(`/suppression-list/${encodeURIComponent(email)}`, { method: 'DELETE', projectId });

/** Runs in the request (no job): the answer is the import's outcome. */
export function importSuppressions(projectId: string, file: File) {
  const form = new FormData();
  form.append('file', file);
  return request<SuppressionImportResult>('/suppression-list/import', { method: 'POST', body: form, projectId });
}
