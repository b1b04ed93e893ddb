import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { confirmSubscribePage, confirmUnsubscribePage, invalidLinkPage, managePage, PAGE_CSP, subscribedPage, unsubscribedPage } from './pages.js';
import { applyLinkAction, LINK_ACTIONS, viewByToken, type LinkAction, type LinkRequest } from './unsubscribe.service.js';

// The pages a recipient reaches from a message: /unsubscribe, /subscribe and /manage, each with the
// contact's signed token. Public (the token is the credential; no cookies, so no CSRF check), never
// rate limited (an unsubscribe must always go through), hidden from the API document, and answered
// with 200 and a neutral page for an unknown or altered token. GET never changes anything: link
// scanners and mail clients fetch URLs. POST /unsubscribe is RFC 8058 one-click: its body is ignored.

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // The token is in the URL: never send it anywhere else.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex, nofollow',
};

const text = (v: unknown, max: number) => (typeof v === 'string' && v.length <= max ? v : undefined);
const tokenOf = (request: FastifyRequest) => text((request.params as { token?: unknown }).token, 200) ?? '';
const formField = (request: FastifyRequest, name: string) => text((request.body as Record<string, unknown> | undefined)?.[name], 100);

function linkRequest(deps: AppDeps, request: FastifyRequest): LinkRequest {
  return { emailId: text((request.query as { e?: unknown }).e, 100), requestId: request.id, ip: request.ip, now: deps.clock.now() };
}

const page = (reply: FastifyReply, html: string) => reply.code(200).headers(PAGE_HEADERS).send(html);

export const hostedPageRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  // Mail clients POST `List-Unsubscribe=One-Click` form-encoded or as multipart; browsers post our forms
  // url-encoded. Only url-encoded bodies are read (the manage form's `action`); any other body is
  // drained unread, whatever its type, so no one-click POST is ever refused for its body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume();
    done(null, undefined);
  });

  // The token is a credential: request logs show the route pattern, not the path.
  const options = { schema: { hide: true }, config: { logRoutePattern: true } };

  async function act(request: FastifyRequest, action: LinkAction, source: string) {
    return applyLinkAction(deps.db, deps.masterKey, tokenOf(request), action, source, linkRequest(deps, request));
  }

  app.get('/unsubscribe/:token', options, async (request, reply) => {
    const view = await viewByToken(deps.db, deps.masterKey, tokenOf(request), deps.clock.now());
    return page(reply, view ? confirmUnsubscribePage(view, tokenOf(request)) : invalidLinkPage());
  });

  app.post('/unsubscribe/:token', options, async (request, reply) => {
    const source = formField(request, 'List-Unsubscribe') === 'One-Click' ? 'one-click' : 'unsubscribe-page';
    const result = await act(request, 'unsubscribe', source);
    return page(reply, result.outcome === 'invalid' ? invalidLinkPage() : unsubscribedPage(result.view, tokenOf(request)));
  });

  app.get('/subscribe/:token', options, async (request, reply) => {
    const view = await viewByToken(deps.db, deps.masterKey, tokenOf(request), deps.clock.now());
    return page(reply, view ? confirmSubscribePage(view, tokenOf(request)) : invalidLinkPage());
  });

  app.post('/subscribe/:token', options, async (request, reply) => {
    const result = await act(request, 'subscribe', 'subscribe-page');
    return page(reply, result.outcome === 'invalid' ? invalidLinkPage() : subscribedPage(result.view, tokenOf(request)));
  });

  app.get('/manage/:token', options, async (request, reply) => {
    const view = await viewByToken(deps.db, deps.masterKey, tokenOf(request), deps.clock.now());
    return page(reply, view ? managePage(view) : invalidLinkPage());
  });

  app.post('/manage/:token', options, async (request, reply) => {
    const action = formField(request, 'action');
    if (!LINK_ACTIONS.includes(action as LinkAction)) {
      // No (known) action: show the page as it is.
      const view = await viewByToken(deps.db, deps.masterKey, tokenOf(request), deps.clock.now());
      return page(reply, view ? managePage(view) : invalidLinkPage());
    }
    const result = await act(request, action as LinkAction, 'manage-page');
    return page(reply, result.outcome === 'invalid' ? invalidLinkPage() : managePage(result.view));
  });
};
