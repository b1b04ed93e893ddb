import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './context.js';

describe('dashboard SPA serving', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('serves the dashboard at / with a strict content security policy', async () => {
    const res = await ctx.request('GET', '/', { key: null, headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('answers browser navigations to client-side routes with the dashboard', async () => {
    const res = await ctx.request('GET', `/p/${ctx.project.id}/settings/api-keys`, { key: null, headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<html');
  });

  it('keeps JSON 404s for API clients and for non-GET requests', async () => {
    const api = await ctx.request('GET', '/no-such-route', { key: null, headers: { accept: 'application/json' } });
    expect(api.status).toBe(404);
    expect(api.json.error.code).toBe('NOT_FOUND');
    const post = await ctx.request('POST', '/p/x', { key: null, headers: { accept: 'text/html' }, body: {} });
    expect(post.status).toBe(404);
  });

  it('still routes API paths to the API when a browser asks for HTML', async () => {
    const res = await ctx.request('GET', '/contacts', { key: null, headers: { accept: 'text/html' } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('MISSING_AUTH');
  });
});
