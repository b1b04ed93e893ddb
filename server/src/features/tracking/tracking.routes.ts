import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { AppError } from '../../core/errors.js';
import { readClickLink, recordClick, recordOpen, type HitRequest } from './tracking.service.js';

// Public, unauthenticated, never rate limited (a recipient's mail client must always get its pixel
// and its redirect) and hidden from the API document: these URLs only ever appear inside emails.

/** A transparent 1×1 GIF (43 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

const NO_CACHE = {
  'cache-control': 'no-store, no-cache, must-revalidate, private, max-age=0',
  pragma: 'no-cache',
  expires: '0',
};

/** The token exactly as it appears in the URL: percent-encoded variants of a token are not the token. */
function rawToken(request: FastifyRequest): string {
  const path = request.url.split('?')[0];
  return path.slice(path.lastIndexOf('/') + 1);
}

function hitOf(request: FastifyRequest): HitRequest {
  const ua = request.headers['user-agent'];
  return { method: request.method, userAgent: typeof ua === 'string' ? ua : undefined };
}

/** Location must be ASCII: characters outside it are percent-encoded, everything else is sent as signed. */
const asLocation = (url: string) => url.replace(/[^\x21-\x7e]+/gu, (run) => encodeURI(run));

export const trackingRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const schema = { hide: true };
  // No access-log line (it logs at info): the path is the signed link, which may carry a customer's URL
  // with its own secrets (login links), and pixels are the highest-volume requests there are.
  const logLevel = 'warn';

  app.get('/t/o/*', { schema, logLevel }, async (request, reply: FastifyReply) => {
    try {
      await recordOpen(deps, rawToken(request).replace(/\.gif$/, ''), hitOf(request));
    } catch (err) {
      request.log.error({ err }, 'could not record an open');
    }
    return reply.headers({ ...NO_CACHE, 'content-type': 'image/gif' }).send(PIXEL_GIF);
  });

  app.get('/t/c/*', { schema, logLevel }, async (request, reply: FastifyReply) => {
    const link = readClickLink(deps.masterKey, rawToken(request));
    if (!link) throw new AppError('NOT_FOUND', 'This link is not valid');
    try {
      await recordClick(deps, link, hitOf(request));
    } catch (err) {
      request.log.error({ err }, 'could not record a click');
    }
    return reply.headers({ ...NO_CACHE, 'referrer-policy': 'no-referrer' }).redirect(asLocation(link.url), 302);
  });
};
