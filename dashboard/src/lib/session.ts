import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { listProjects } from '../api/projects';
import { getConfig, getMe } from '../api/session';

export const sessionKeys = {
  config: ['config'] as const,
  me: ['me'] as const,
  projects: ['projects'] as const,
};

export function useConfig() {
  return useQuery({ queryKey: sessionKeys.config, queryFn: getConfig, staleTime: 60_000 });
}

export function useMe(enabled = true) {
  return useQuery({ queryKey: sessionKeys.me, queryFn: getMe, enabled, staleTime: 60_000, retry: false });
}

export function useProjects(enabled = true) {
  return useQuery({ queryKey: sessionKeys.projects, queryFn: listProjects, enabled, staleTime: 30_000 });
}

export function isUnauthorized(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}

/** Only same-site paths are followed after login (never `//host` or absolute URLs). */
export function safeNext(next: unknown): string | null {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : null;
}
