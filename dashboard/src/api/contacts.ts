import { request, requestRaw } from './client';
import type { Contact, ContactField, CursorPage, EventPage, JobQueued, JobStatus } from './types';

const one = (id: string) => `/contacts/${encodeURIComponent(id)}`;

export const listContacts = (projectId: string, q: { limit: number; cursor?: string; search?: string }) =>
  request<CursorPage<Contact> & { total: number }>('/contacts', { projectId, query: q });

export const getContact = (projectId: string, id: string) => request<Contact>(one(id), { projectId });

export const updateContact = (projectId: string, id: string, body: { subscribed?: boolean; data?: Record<string, unknown> | null }) =>
  request<Contact>(one(id), { method: 'PATCH', body, projectId });

export const deleteContact = (projectId: string, id: string) => request<void>(one(id), { method: 'DELETE', projectId });

/** The standard columns plus every top-level key of contacts' data, with inferred types. */
export const listContactFields = (projectId: string) => request<{ fields: ContactField[]; count: number }>('/contacts/fields', { projectId });

export const listContactEvents = (projectId: string, id: string) => request<EventPage>(`${one(id)}/events`, { projectId, query: { limit: 50 } });

export function importContacts(projectId: string, file: File) {
  const form = new FormData();
  form.append('file', file);
  return request<JobQueued>('/contacts/import', { method: 'POST', body: form, projectId });
}

export const getImportJob = (projectId: string, jobId: string) => request<JobStatus>(`/contacts/import/${encodeURIComponent(jobId)}`, { projectId });

/** Downloads the CSV export (a plain link cannot send X-Project-Id). */
export async function exportContacts(projectId: string, search?: string): Promise<{ blob: Blob; filename: string }> {
  const res = await requestRaw('/contacts/export', { projectId, query: { search }, });
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'contacts.csv';
  return { blob: await res.blob(), filename };
}
