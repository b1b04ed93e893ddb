import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { rotateProjectKeys } from '../features/projects/projects.service.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const send = { to: 'user@example.com', subject: 'Hi', body: '<p>Hi</p>' };
const track = { event: 'signed-up', email: 'user@example.com' };

describe('API key authentication', () => {
  it('refuses the public key on /v1/send with INVALID_API_KEY', async () => {
    const res = await t.request('POST', '/v1/send', { key: t.project.publicKey, body: send });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('INVALID_API_KEY');
    expect(res.json.error.message).toMatch(/secret key \(sk_\*\)/);
  });

  it('accepts both the public and the secret key on /v1/track', async () => {
    expect((await t.request('POST', '/v1/track', { key: t.project.publicKey, body: track })).status).toBe(200);
    expect((await t.request('POST', '/v1/track', { key: t.project.secretKey, body: track })).status).toBe(200);
  });

  it('answers MISSING_AUTH without an Authorization header or with another scheme', async () => {
    const none = await t.request('POST', '/v1/send', { key: null, body: send });
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('MISSING_AUTH');
    const basic = await t.request('POST', '/v1/track', { key: null, headers: { authorization: 'Basic abc' }, body: track });
    expect(basic.json.error.code).toBe('MISSING_AUTH');
  });

  it('rejects unknown, malformed and mistyped keys the same way', async () => {
    const mistyped = t.project.secretKey.slice(0, -1) + (t.project.secretKey.endsWith('a') ? 'b' : 'a');
    const other = 'sk_' + 'A'.repeat(49);
    for (const key of [mistyped, other, 'sk_short', 'not-a-key', t.project.secretKey + 'x']) {
      const res = await t.request('POST', '/v1/send', { key, body: send });
      expect(res.status, key).toBe(401);
      expect(res.json.error.code).toBe('INVALID_API_KEY');
    }
  });

  it('authenticates before validating, so strangers learn nothing about the body schema', async () => {
    const res = await t.request('POST', '/v1/send', { key: null, body: {} });
    expect(res.status).toBe(401);
  });

  it('uses the project the key belongs to: another project cannot read this project\'s email', async () => {
    const sent = await t.request('POST', '/v1/send', { body: send });
    const other = await t.newProject('Other');
    const res = await t.request('GET', `/emails/${sent.json.data.emails[0].email}`, { key: other.secretKey });
    expect(res.status).toBe(404);
    expect((await t.request('GET', `/emails/${sent.json.data.emails[0].email}`)).status).toBe(200);
  });

  it('kills both old keys on the very next request after rotation, and the new ones work', async () => {
    const p = await t.newProject('Rotating');
    const rotated = await rotateProjectKeys(t.deps, { actor: { type: 'cli' } }, p.id);
    expect(rotated.secretKey).not.toBe(p.secretKey);
    expect(rotated.publicKey).not.toBe(p.publicKey);
    expect((await t.request('POST', '/v1/send', { key: p.secretKey, body: send })).json.error.code).toBe('INVALID_API_KEY');
    expect((await t.request('POST', '/v1/track', { key: p.publicKey, body: track })).json.error.code).toBe('INVALID_API_KEY');
    expect((await t.request('POST', '/v1/send', { key: rotated.secretKey, body: send })).status).toBe(200);
    expect((await t.request('POST', '/v1/track', { key: rotated.publicKey, body: track })).status).toBe(200);
  });
});

describe('edge behaviour', () => {
  it('puts X-Request-ID on every response and in error bodies', async () => {
    const ok = await t.request('GET', '/health', { key: null });
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const err = await t.request('POST', '/v1/send', { key: null, body: send, headers: { 'x-request-id': 'client-trace-123' } });
    expect(err.headers['x-request-id']).toBe('client-trace-123');
    expect(err.json.error.requestId).toBe('client-trace-123');
  });

  it('answers malformed JSON with 400 in the single error envelope', async () => {
    const res = await t.request('POST', '/v1/send', { rawBody: '{"to": ' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error: { code: 'BAD_REQUEST', statusCode: 400 }, message: expect.any(String) });
    expect(res.json.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const res = await t.request('GET', '/nope', { key: null });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('NOT_FOUND');
  });

  it('answers browser preflights on /v1/track with a wildcard origin and no credentials', async () => {
    const res = await t.request('OPTIONS', '/v1/track', { key: null, headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const post = await t.request('POST', '/v1/track', { key: t.project.publicKey, body: track, headers: { origin: 'https://shop.example' } });
    expect(post.headers['access-control-allow-origin']).toBe('*');
  });

  it('sends no permissive CORS headers on secret-key routes', async () => {
    const res = await t.request('POST', '/v1/send', { body: send, headers: { origin: 'https://evil.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reports database and queue status on /health', async () => {
    const res = await t.request('GET', '/health', { key: null });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', database: 'ok', queue: 'ok' });
  });
});
