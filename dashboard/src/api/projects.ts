import { request, unwrap } from './client';
import type { MembersResponse, ProjectKeys, ProjectSettingsInput, ProjectSummary, Role } from './types';

const base = (id: string) => `/users/@me/projects/${encodeURIComponent(id)}`;

export const listProjects = async () => unwrap<ProjectSummary[]>(await request('/users/@me/projects'));

export const createProject = async (name: string) =>
  unwrap<ProjectSummary & ProjectKeys>(await request('/users/@me/projects', { method: 'POST', body: { name } }));

export const renameProject = async (id: string, name: string) => unwrap<ProjectSummary>(await request(base(id), { method: 'PATCH', body: { name } }));

/** Name and sending settings (tracking mode, postal address, hosted-page language): owners and admins. */
export const updateProjectSettings = async (id: string, body: ProjectSettingsInput) =>
  unwrap<ProjectSummary>(await request(base(id), { method: 'PATCH', body }));

export const deleteProject = (id: string) => request<unknown>(base(id), { method: 'DELETE' });

export const getKeys = async (id: string) => unwrap<ProjectKeys>(await request(`${base(id)}/keys`));

export const regenerateKeys = async (id: string) => unwrap<ProjectKeys>(await request(`${base(id)}/regenerate-keys`, { method: 'POST', body: {} }));

const members = (id: string) => `/projects/${encodeURIComponent(id)}/members`;

export const listMembers = async (id: string) => unwrap<MembersResponse>(await request(members(id), { projectId: id }));

export const inviteMember = (id: string, email: string, role: Exclude<Role, 'OWNER'>) =>
  request<{ status: 'added' | 'invited' }>(members(id), { method: 'POST', body: { email, role }, projectId: id });

export const changeMemberRole = (id: string, userId: string, role: Role) =>
  request<unknown>(`${members(id)}/${encodeURIComponent(userId)}`, { method: 'PATCH', body: { role }, projectId: id });

export const removeMember = (id: string, userId: string) =>
  request<unknown>(`${members(id)}/${encodeURIComponent(userId)}`, { method: 'DELETE', projectId: id });

export const revokeInvitation = (id: string, invitationId: string) =>
  request<unknown>(`/projects/${encodeURIComponent(id)}/invitations/${encodeURIComponent(invitationId)}`, { method: 'DELETE', projectId: id });
