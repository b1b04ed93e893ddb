import { ApiError, hasSessionCookie, request, setCsrfToken, unwrap } from './client';
import type { InstanceConfig, Me } from './types';

export const getConfig = () => request<InstanceConfig>('/config');

/**
 * The signed-in user. Without the mw_csrf cookie there is no session, so no request is made
 * (a 401 answer would show up as a failed request in the browser console).
 */
export async function getMe(): Promise<Me> {
  if (!hasSessionCookie()) throw new ApiError({ code: 'UNAUTHORIZED', message: 'Not signed in', status: 401, requestId: null });
  const me = unwrap<Me>(await request('/users/@me'));
  if (me.csrfToken) setCsrfToken(me.csrfToken);
  return me;
}

export interface Credentials {
  email: string;
  password: string;
}

export const login = async (body: Credentials) => unwrap<{ id: string; email: string }>(await request('/auth/login', { method: 'POST', body }));

export const signup = async (body: Credentials & { inviteToken?: string }) =>
  unwrap<{ id: string; email: string }>(await request('/auth/signup', { method: 'POST', body }));

export async function logout(): Promise<void> {
  await request('/auth/logout', { method: 'POST', body: {} });
  setCsrfToken(null);
}

export const requestPasswordReset = async (email: string) =>
  unwrap<{ message?: string } | undefined>(await request('/auth/request-password-reset', { method: 'POST', body: { email } }));

export const resetPassword = (token: string, password: string) => request<unknown>('/auth/reset-password', { method: 'POST', body: { token, password } });
