import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// Same relative path from src/http and dist/http: the workspace's built dashboard.
const DIST = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));

// Email previews render in sandboxed srcdoc iframes and may load remote images; nothing else is external.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  'img-src * data: blob:',
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const FALLBACK = '<!doctype html><html lang="en"><title>Mailwright</title><p>Mailwright API is running. The dashboard is not built: run <code>npm run build</code>.</p></html>';

export interface Spa {
  /** Serves index.html for browser navigations (client-side routes) that no API route matched. */
  serveIndex(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined;
}

/** Registers the dashboard's static files and `/`; returns the HTML fallback used by the 404 handler. */
export async function registerSpa(app: FastifyInstance, dist = DIST): Promise<Spa> {
  const indexFile = `${dist}index.html`;
  const built = existsSync(indexFile);
  if (built) {
    // wildcard:false registers one route per file found at start (hashed assets are immutable).
    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: false,
      index: false,
      serve: true,
      setHeaders: (res, file) => {
        if (file.includes('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }
  const html = () => (built ? readFileSync(indexFile, 'utf8') : FALLBACK);
  const send = (reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .header('cache-control', 'no-cache')
      .send(html());
  app.get('/', { schema: { hide: true } }, async (_request, reply) => send(reply));
  return {
    serveIndex(request, reply) {
      const wantsHtml = (request.headers.accept ?? '').includes('text/html');
      if ((request.method === 'GET' || request.method === 'HEAD') && wantsHtml) return send(reply);
      return undefined;
    },
  };
}
