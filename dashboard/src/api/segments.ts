import { request } from './client';
import type { Contact, FilterCondition, OffsetPage, Segment, SegmentComputeResult, SegmentInput, SegmentMembersAdded, SegmentPreview } from './types';

const one = (id: string) => `/segments/${encodeURIComponent(id)}`;

/** Every segment of the project (a bare array, newest first, not paged). */
export const listSegments = (projectId: string) => request<Segment[]>('/segments', { projectId });

export const getSegment = (projectId: string, id: string) => request<Segment>(one(id), { projectId });

export const createSegment = (projectId: string, body: SegmentInput) => request<Segment>('/segments', { method: 'POST', body, projectId });

/** The type cannot change; `condition` only applies to DYNAMIC segments, as does `trackMembership`. */
export const updateSegment = (projectId: string, id: string, body: Partial<Omit<SegmentInput, 'type'>>) =>
  request<Segment>(one(id), { method: 'PATCH', body, projectId });

/** 409 CONFLICT while campaigns that are not sent yet, or other segments' conditions, use the segment. */
export const deleteSegment = (projectId: string, id: string) => request<void>(one(id), { method: 'DELETE', projectId });

export const listSegmentContacts = (projectId: string, id: string, q: { page: number; pageSize: number }) =>
  request<OffsetPage<Contact>>(`${one(id)}/contacts`, { projectId, query: q });

/** STATIC segments only; up to 500 addresses per call. */
export const addSegmentMembers = (projectId: string, id: string, body: { emails: string[]; createMissing?: boolean }) =>
  request<SegmentMembersAdded>(`${one(id)}/members`, { method: 'POST', body, projectId });

export const removeSegmentMembers = (projectId: string, id: string, emails: string[]) =>
  request<{ removed: number; notFound: string[] }>(`${one(id)}/members`, { method: 'DELETE', body: { emails }, projectId });

/** Tracked segments only: recomputes the members and emits segment.<slug>.entry / .exit. */
export const computeSegment = (projectId: string, id: string) => request<SegmentComputeResult>(`${one(id)}/compute`, { method: 'POST', body: {}, projectId });

/** Recounts the cached member count; answers with the updated segment. */
export const refreshSegment = (projectId: string, id: string) => request<Segment>(`${one(id)}/refresh`, { method: 'POST', body: {}, projectId });

/** How many contacts a condition matches now (nothing is saved). */
export const previewSegment = (projectId: string, condition: FilterCondition, signal?: AbortSignal) =>
  request<SegmentPreview>('/segments/preview', { method: 'POST', body: { condition }, projectId, signal });
