import { request } from './client';
import type { Template, TemplatePage, TemplateType } from './types';

export interface TemplateInput {
  name: string;
  subject: string;
  body: string;
  from: string;
  fromName?: string | null;
  replyTo?: string | null;
  type: TemplateType;
}

const one = (id: string) => `/templates/${encodeURIComponent(id)}`;

export const listTemplates = (projectId: string, q: { page: number; pageSize: number; search?: string }) =>
  request<TemplatePage>('/templates', { projectId, query: q });

export const getTemplate = (projectId: string, id: string) => request<Template>(one(id), { projectId });

export const createTemplate = (projectId: string, body: TemplateInput) => request<Template>('/templates', { method: 'POST', body, projectId });

export const updateTemplate = (projectId: string, id: string, body: Partial<TemplateInput>) =>
  request<Template>(one(id), { method: 'PATCH', body, projectId });

export const deleteTemplate = (projectId: string, id: string) => request<void>(one(id), { method: 'DELETE', projectId });
