import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { AppError } from '../../core/errors.js';
import { requireSession, sessionUser } from '../../http/auth.js';
import { assertSameOrigin, authenticateSession, clearSessionCookies, sessionToken, setSessionCookies } from '../../http/session.js';
import { login } from './login.service.js';
import { requestPasswordReset, resetPassword } from './password-reset.service.js';
import { csrfTokenFor, endSession } from './sessions.service.js';
import {
  accountResponse,
  instanceConfigResponse,
  loginBody,
  meResponse,
  messageResponse,
  okResponse,
  requestPasswordResetBody,
  resetPasswordBody,
  signupBody,
} from './users.schemas.js';
import { getInstanceConfig, signup, type RequestMeta } from './users.service.js';

const metaOf = (request: FastifyRequest): RequestMeta => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
  requestId: request.id,
});

// Accounts: public config, signup/login/logout, password reset, and the logged-in user.
// /auth/* routes have no session yet, so they check the Origin only (login CSRF); nothing here takes an API key.
export const userRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const tags = ['auth'];
  const security: never[] = [];
  const sameOrigin = async (request: FastifyRequest) => assertSameOrigin(request, deps.config.publicUrl);

  app.get('/config', { schema: { tags, security, response: { 200: instanceConfigResponse } } }, async () => getInstanceConfig(deps));

  app.post(
    '/auth/signup',
    { onRequest: sameOrigin, schema: { tags, security, body: signupBody, response: { 201: accountResponse } } },
    async (request, reply) => {
      const { user, token } = await signup(deps, request.body, metaOf(request));
      setSessionCookies(reply, deps, token);
      return reply.status(201).send({ success: true as const, data: { id: user.id, email: user.email } });
    },
  );

  app.post('/auth/login', { onRequest: sameOrigin, schema: { tags, security, body: loginBody, response: { 200: accountResponse } } }, async (request, reply) => {
    const { user, token } = await login(deps, request.body, metaOf(request));
    setSessionCookies(reply, deps, token);
    return { success: true as const, data: { id: user.id, email: user.email } };
  });

  app.post('/auth/logout', { onRequest: sameOrigin, schema: { tags, security, response: { 200: okResponse } } }, async (request, reply) => {
    const token = sessionToken(request);
    // A session that is already gone (expired, logged out elsewhere) still gets its cookies cleared.
    const live = token ? await authenticateSession(request, deps).catch(alreadyLoggedOut) : null;
    if (live) await endSession(deps, live.token);
    clearSessionCookies(reply, deps);
    return { success: true as const };
  });

  app.post(
    '/auth/request-password-reset',
    { onRequest: sameOrigin, schema: { tags, security, body: requestPasswordResetBody, response: { 200: messageResponse } } },
    async (request) => ({ success: true as const, data: await requestPasswordReset(deps, request.body.email, metaOf(request)) }),
  );

  app.post(
    '/auth/reset-password',
    { onRequest: sameOrigin, schema: { tags, security, body: resetPasswordBody, response: { 200: okResponse } } },
    async (request) => {
      await resetPassword(deps, request.body);
      return { success: true as const };
    },
  );

  app.get('/users/@me', { onRequest: requireSession(deps), schema: { tags: ['users'], security, response: { 200: meResponse } } }, async (request) => {
    const user = sessionUser(request);
    return {
      id: user.id,
      email: user.email,
      isInstanceOwner: user.isInstanceOwner,
      // The SPA may read it here instead of from the mw_csrf cookie.
      csrfToken: csrfTokenFor(deps.masterKey, sessionToken(request)!),
      createdAt: user.createdAt.toISOString(),
    };
  });
};

function alreadyLoggedOut(err: unknown): null {
  if (err instanceof AppError && err.code === 'UNAUTHORIZED') return null;
  throw err;
}
