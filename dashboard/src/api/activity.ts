import { request } from './client';
import type { ActivityItem, ApiRequestItem, CursorPage } from './types';

export interface ActivityFilters {
  type?: string;
  actorType?: string;
  from?: string;
  to?: string;
  requestId?: string;
}

export const listActivity = (projectId: string, q: ActivityFilters & { limit: number; cursor?: string }) =>
  request<CursorPage<ActivityItem>>('/activity', { projectId, query: { ...q } });

export const listActivityTypes = (projectId: string) => request<{ types: string[] }>('/activity/types', { projectId });

export interface RequestFilters {
  status?: string;
  method?: string;
  from?: string;
  to?: string;
}

export const listApiRequests = (projectId: string, q: RequestFilters & { limit: number; cursor?: string }) =>
  request<CursorPage<ApiRequestItem>>('/activity/requests', { projectId, query: { ...q } });
