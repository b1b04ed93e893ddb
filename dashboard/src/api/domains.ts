import { request } from './client';
import type { SendingDomain } from './types';

const one = (id: string) => `/domains/${encodeURIComponent(id)}`;

export const listDomains = (projectId: string) => request<SendingDomain[]>('/domains', { projectId });

export const getDomain = (projectId: string, id: string) => request<SendingDomain>(one(id), { projectId });

export const createDomain = (projectId: string, domain: string) => request<SendingDomain>('/domains', { method: 'POST', body: { domain }, projectId });

/** Looks every DNS record up now and answers with the updated domain. */
export const verifyDomain = (projectId: string, id: string) => request<SendingDomain>(`${one(id)}/verify`, { projectId });

export const deleteDomain = (projectId: string, id: string) => request<void>(one(id), { method: 'DELETE', projectId });
