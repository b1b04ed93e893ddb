import { createContext, useContext } from 'react';
import type { ProjectSummary, Role } from '../../api/types';

export interface ProjectContextValue {
  project: ProjectSummary;
  me: { id: string; email: string };
}

export const ProjectContext = createContext<ProjectContextValue | null>(null);

export function useProject(): ProjectContextValue {
  const value = useContext(ProjectContext);
  if (!value) throw new Error('useProject() outside a project page');
  return value;
}

export function canManage(role: Role): boolean {
  return role === 'OWNER' || role === 'ADMIN';
}
