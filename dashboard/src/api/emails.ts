import { request } from './client';
import type { CursorPage, EmailDetail, EmailSummary, InboxMessage, InboxSummary } from './types';

export const listEmails = (projectId: string, q: { limit: number; cursor?: string; status?: string; contactId?: string }) =>
  request<CursorPage<EmailSummary>>('/emails', { projectId, query: q });

export const getEmail = (projectId: string, id: string) => request<EmailDetail>(`/emails/${encodeURIComponent(id)}`, { projectId });

export const listInbox = (projectId: string, limit = 50) => request<{ data: InboxSummary[] }>('/inbox', { projectId, query: { limit } });

export const getInboxMessage = (projectId: string, id: string) => request<InboxMessage>(`/inbox/${encodeURIComponent(id)}`, { projectId });
