import { request } from './client';

/** Every event name the project has stored, most frequent first. */
export const listEventNames = (projectId: string) => request<{ eventNames: string[] }>('/events/names', { projectId });
