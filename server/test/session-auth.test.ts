import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activities, projects } from '../src/db/schema/index.js';
import { createTestContext, type TestContext } from './context.js';
import { createUserSession, type TestSession } from './sessions.js';

// The resource routes (contacts, templates, …) with a dashboard session instead of an API key:
// X-Project-Id picks the project, membership decides, and every cookie-authenticated change is CSRF-checked.

let t: TestContext;
let user: TestSession;
let other: TestSession;
beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
  user = await createUserSession(t, { memberOf: [{ projectId: t.project.id, role: 'MEMBER' }] });
  other = await createUserSession(t);
});
afterAll(() => t?.close());

const session = (method: string, url: string, headers: Record<string, string>, body?: unknown) => t.request(method, url, { key: null, headers, body });

describe('a session on resource routes', () => {
  it('reads the contacts of a project the user belongs to, named by X-Project-Id', async () => {
    await t.request('POST', '/contacts', { body: { email: 'listed@example.com' } });
    const res = await session('GET', '/contacts', user.forProject(t.project.id));
    expect(res.status, res.body).toBe(200);
    expect(res.json.data.map((c: { email: string }) => c.email)).toContain('listed@example.com');
  });

  it('needs X-Project-Id (400 BAD_REQUEST)', async () => {
    const res = await session('GET', '/contacts', user.headers);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('BAD_REQUEST');
    expect(res.json.error.message).toMatch(/X-Project-Id/);
  });

  it("is 403 FORBIDDEN for a project the user is not in, and the same for one that does not exist", async () => {
    const foreign = await t.newProject('Not yours');
    for (const id of [foreign.id, '00000000-0000-4000-8000-000000000000', 'garbage']) {
      const res = await session('GET', '/contacts', user.forProject(id));
      expect(res.status, id).toBe(403);
      expect(res.json.error.code).toBe('FORBIDDEN');
    }
    expect((await session('GET', '/contacts', other.forProject(t.project.id))).status).toBe(403);
  });

  it('is 401 UNAUTHORIZED for an unknown session cookie', async () => {
    const res = await session('GET', '/contacts', { ...user.forProject(t.project.id), cookie: 'mw_session=not-a-session' });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('UNAUTHORIZED');
  });
});

describe('CSRF protection of cookie-authenticated changes', () => {
  const body = { email: 'csrf@example.com' };
  const without = (headers: Record<string, string>, ...names: string[]) => Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k)));

  it('refuses a POST without X-CSRF-Token (403 CSRF_REJECTED)', async () => {
    const res = await session('POST', '/contacts', without(user.forProject(t.project.id), 'x-csrf-token'), body);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('CSRF_REJECTED');
  });

  it('refuses a wrong token, and the right token from a foreign Origin', async () => {
    const wrong = await session('POST', '/contacts', { ...user.forProject(t.project.id), 'x-csrf-token': 'forged' }, body);
    expect(wrong.json.error.code).toBe('CSRF_REJECTED');
    const foreign = await session('POST', '/contacts', { ...user.forProject(t.project.id), origin: 'https://evil.example' }, body);
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe('CSRF_REJECTED');
  });

  it('treats the loopback spellings of a local PUBLIC_URL as the same origin, but not another port or host', async () => {
    const port = new URL(t.deps.config.publicUrl).port;
    const post = (origin: string, email: string) => session('POST', '/contacts', { ...user.forProject(t.project.id), origin }, { email });
    expect((await post(`http://127.0.0.1:${port}`, 'loop1@example.com')).status).toBe(201);
    expect((await post(`http://127.0.0.1:${Number(port) + 1}`, 'loop2@example.com')).json.error.code).toBe('CSRF_REJECTED');
    expect((await post(`http://localhost.evil.example:${port}`, 'loop3@example.com')).json.error.code).toBe('CSRF_REJECTED');
  });

  it('refuses a change with neither Origin nor Referer', async () => {
    const res = await session('POST', '/contacts', without(user.forProject(t.project.id), 'origin'), body);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('CSRF_REJECTED');
  });

  it('refuses a foreign Referer when there is no Origin', async () => {
    const headers = { ...without(user.forProject(t.project.id), 'origin'), referer: 'https://evil.example/page' };
    expect((await session('POST', '/contacts', headers, body)).json.error.code).toBe('CSRF_REJECTED');
  });

  it('accepts the token with a Referer from PUBLIC_URL, and records the user as the actor', async () => {
    const headers = { ...without(user.forProject(t.project.id), 'origin'), referer: `${t.deps.config.publicUrl}/contacts` };
    const res = await session('POST', '/contacts', headers, { email: 'by-session@example.com' });
    expect(res.status, res.body).toBe(201);
    const rows = await t.deps.db
      .select()
      .from(activities)
      .where(and(eq(activities.projectId, t.project.id), eq(activities.requestId, res.headers['x-request-id'])));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatchObject({ actorType: 'user', actorId: user.userId });
  });

  it('lets GET requests through without a token (they change nothing)', async () => {
    const res = await session('GET', '/contacts', without(user.forProject(t.project.id), 'x-csrf-token', 'origin'));
    expect(res.status).toBe(200);
  });
});

describe('the key-only /v1 routes', () => {
  it('never accept a session cookie: 401 MISSING_AUTH without an Authorization header', async () => {
    const headers = user.forProject(t.project.id);
    const send = await session('POST', '/v1/send', headers, { to: 'x@example.com', subject: 'S', body: 'B' });
    expect(send.status).toBe(401);
    expect(send.json.error.code).toBe('MISSING_AUTH');
    const track = await session('POST', '/v1/track', headers, { event: 'e', email: 'x@example.com' });
    expect(track.status).toBe(401);
    expect(track.json.error.code).toBe('MISSING_AUTH');
  });
});

describe('what responses never contain', () => {
  it('no password hash, key hash or session token', async () => {
    const hashes = (await t.deps.db.select().from(projects)).flatMap((p) => [p.publicKeyHash, p.secretKeyHash]);
    const everything = t.bodies.join('\n');
    expect(everything).not.toContain('scrypt$');
    for (const secret of [...hashes, user.token, other.token]) expect(everything).not.toContain(secret);
  });
});
