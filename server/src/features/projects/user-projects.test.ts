import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { createUserSession, type TestSession } from '../../../test/sessions.js';
import { activities, apiRequests, projectMembers, projects, sessions } from '../../db/schema/index.js';
import { ensureSystemProject } from './projects.service.js';

let t: TestContext;
let owner: TestSession;
const everySession: TestSession[] = [];
async function newSession(opts?: Parameters<typeof createUserSession>[1]) {
  const s = await createUserSession(t, opts);
  everySession.push(s);
  return s;
}
beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
  owner = await newSession();
});
afterAll(() => t?.close());

const as = (s: TestSession, method: string, url: string, body?: unknown) => t.request(method, url, { key: null, headers: s.headers, body });

/** A project created through the dashboard route, plus sessions with each role in it. */
async function projectWithTeam(name = 'Team project') {
  const created = await as(owner, 'POST', '/users/@me/projects', { name });
  expect(created.status, created.body).toBe(201);
  const id: string = created.json.id;
  const admin = await newSession({ memberOf: [{ projectId: id, role: 'ADMIN' }] });
  const member = await newSession({ memberOf: [{ projectId: id, role: 'MEMBER' }] });
  return { id, created: created.json, admin, member };
}

/** The settings every new project starts with. */
const DEFAULTS = { tracking: 'ENABLED', postalAddress: null, language: 'en' };

const activityOf = (projectId: string, type: string) =>
  t.deps.db.select().from(activities).where(and(eq(activities.projectId, projectId), eq(activities.type, type)));

describe('POST /users/@me/projects', () => {
  it('creates the project with its keys, makes the creator OWNER and records who created it', async () => {
    const res = await as(owner, 'POST', '/users/@me/projects', { name: '  Shop mail  ' });
    expect(res.status, res.body).toBe(201);
    expect(res.json).toEqual({ id: expect.any(String), name: 'Shop mail', role: 'OWNER', public: expect.stringMatching(/^pk_/), secret: expect.stringMatching(/^sk_/), createdAt: expect.any(String) });
    const [membership] = await t.deps.db.select().from(projectMembers).where(eq(projectMembers.projectId, res.json.id));
    expect(membership).toMatchObject({ userId: owner.userId, role: 'OWNER' });
    const [created] = await activityOf(res.json.id, 'project.created');
    expect(created).toMatchObject({ actorType: 'user', actorId: owner.userId, requestId: res.headers['x-request-id'] });
    const contact = await t.request('POST', '/contacts', { key: res.json.secret, body: { email: 'first@example.com' } });
    expect(contact.status, contact.body).toBe(201);
  });

  it('refuses empty, too long and invisible-character names with 422', async () => {
    for (const name of ['', '   ', 'x'.repeat(101), 'zero\u200bwidth', 'line\nbreak', 'bidi\u202eflip', 'nul\u0000']) {
      const res = await as(owner, 'POST', '/users/@me/projects', { name });
      expect(res.status, JSON.stringify(name)).toBe(422);
      expect(res.json.error.code).toBe('VALIDATION_ERROR');
    }
    expect((await as(owner, 'POST', '/users/@me/projects', { name: 'x'.repeat(100) })).status).toBe(201);
  });
});

describe('GET /users/@me/projects', () => {
  it("lists the user's projects with their role, and neither other projects nor the system project", async () => {
    const user = await newSession();
    const mine = await as(user, 'POST', '/users/@me/projects', { name: 'Mine' });
    const { id: teamId } = await projectWithTeam('Someone else');
    await t.deps.db.insert(projectMembers).values({ projectId: teamId, userId: user.userId, role: 'MEMBER' });
    // Even a (mistaken) membership row must not expose the instance's system project.
    const system = await ensureSystemProject(t.deps);
    await t.deps.db.insert(projectMembers).values({ projectId: system.id, userId: user.userId, role: 'OWNER' });

    const res = await as(user, 'GET', '/users/@me/projects');
    expect(res.status).toBe(200);
    expect(res.json).toEqual([
      { id: mine.json.id, name: 'Mine', role: 'OWNER', createdAt: mine.json.createdAt, disabled: false, ...DEFAULTS },
      { id: teamId, name: 'Someone else', role: 'MEMBER', createdAt: expect.any(String), disabled: false, ...DEFAULTS },
    ]);
    expect((await as(user, 'GET', `/users/@me/projects/${system.id}/keys`)).status).toBe(403);
  });

  it('is empty for a user without projects', async () => {
    expect((await as(await newSession(), 'GET', '/users/@me/projects')).json).toEqual([]);
  });
});

describe('the role matrix on a project', () => {
  it('lets a MEMBER read the keys, but not rename, rotate or delete (403)', async () => {
    const p = await projectWithTeam();
    const keys = await as(p.member, 'GET', `/users/@me/projects/${p.id}/keys`);
    expect(keys.status).toBe(200);
    expect(keys.json).toEqual({ public: p.created.public, secret: p.created.secret, rotatedAt: expect.any(String) });
    for (const [method, url, body] of [
      ['PATCH', `/users/@me/projects/${p.id}`, { name: 'Nope' }],
      ['POST', `/users/@me/projects/${p.id}/regenerate-keys`, undefined],
      ['DELETE', `/users/@me/projects/${p.id}`, undefined],
    ] as const) {
      const res = await as(p.member, method, url, body);
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.json.error.code).toBe('FORBIDDEN');
    }
    expect((await t.request('POST', '/contacts', { key: p.created.secret, body: { email: 'still@example.com' } })).status).toBe(201);
  });

  it('lets an ADMIN rename (recorded in Activity) but not delete the project', async () => {
    const p = await projectWithTeam('Before');
    const renamed = await as(p.admin, 'PATCH', `/users/@me/projects/${p.id}`, { name: 'After' });
    expect(renamed.status, renamed.body).toBe(200);
    expect(renamed.json).toEqual({ id: p.id, name: 'After', role: 'ADMIN', createdAt: p.created.createdAt, disabled: false, ...DEFAULTS });
    const [entry] = await activityOf(p.id, 'project.renamed');
    expect(entry).toMatchObject({ actorType: 'user', actorId: p.admin.userId, requestId: renamed.headers['x-request-id'] });
    expect(entry.summary).toContain('"Before"');
    expect(entry.summary).toContain('"After"');
    const del = await as(p.admin, 'DELETE', `/users/@me/projects/${p.id}`);
    expect(del.status).toBe(403);
  });

  it('lets the OWNER delete the project with everything in it, request log included', async () => {
    const p = await projectWithTeam('Doomed');
    await t.request('POST', '/contacts', { key: p.created.secret, body: { email: 'gone@example.com' } });
    await t.deps.db.insert(apiRequests).values({ requestId: 'r-1', projectId: p.id, method: 'GET', path: '/contacts', status: 200, durationMs: 1 });
    const res = await as(owner, 'DELETE', `/users/@me/projects/${p.id}`);
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({ success: true });
    expect(await t.deps.db.select().from(projects).where(eq(projects.id, p.id))).toEqual([]);
    expect(await t.deps.db.select().from(apiRequests).where(eq(apiRequests.projectId, p.id))).toEqual([]);
    expect(await t.deps.db.select().from(projectMembers).where(eq(projectMembers.projectId, p.id))).toEqual([]);
    expect((await t.request('GET', '/contacts', { key: p.created.secret })).status).toBe(401);
    expect((await as(owner, 'GET', `/users/@me/projects/${p.id}/keys`)).status).toBe(403);
    // The POST /contacts row was still in the request log's buffer (flushed every second): written after
    // the deletion, it must not bring a row of the deleted project back.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await t.deps.db.select().from(apiRequests).where(eq(apiRequests.projectId, p.id))).toEqual([]);
  });

  it('answers 403 alike for a project the user is not in, an unknown id and a malformed id', async () => {
    const p = await projectWithTeam();
    const stranger = await newSession();
    for (const id of [p.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      for (const [method, url] of [
        ['GET', `/users/@me/projects/${id}/keys`],
        ['GET', `/users/@me/projects/${id}`],
        ['PATCH', `/users/@me/projects/${id}`],
        ['POST', `/users/@me/projects/${id}/regenerate-keys`],
        ['DELETE', `/users/@me/projects/${id}`],
      ] as const) {
        const res = await as(stranger, method, url, method === 'PATCH' ? { name: 'x' } : undefined);
        expect(res.status, `${method} ${url}`).toBe(403);
        expect(res.json.error.code).toBe('FORBIDDEN');
      }
    }
  });
});

describe('POST /users/@me/projects/:id/regenerate-keys', () => {
  it('replaces both keys: the old secret key fails on the very next request, the new one works', async () => {
    const p = await projectWithTeam('Rotating');
    const res = await as(p.admin, 'POST', `/users/@me/projects/${p.id}/regenerate-keys`);
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({
      id: p.id,
      name: 'Rotating',
      public: expect.stringMatching(/^pk_/),
      secret: expect.stringMatching(/^sk_/),
      createdAt: p.created.createdAt,
      updatedAt: expect.any(String),
      disabled: false,
    });
    expect(res.json.public).not.toBe(p.created.public);
    expect(res.json.secret).not.toBe(p.created.secret);

    const old = await t.request('GET', '/contacts', { key: p.created.secret });
    expect(old.status).toBe(401);
    expect(old.json.error.code).toBe('INVALID_API_KEY');
    expect((await t.request('POST', '/v1/track', { key: p.created.public, body: { event: 'e', email: 'x@example.com' } })).status).toBe(401);
    expect((await t.request('GET', '/contacts', { key: res.json.secret })).status).toBe(200);
    expect((await as(p.member, 'GET', `/users/@me/projects/${p.id}/keys`)).json).toMatchObject({ public: res.json.public, secret: res.json.secret });
  });

  it("records 'keys.rotated' with the user, the request id and the IP, and no key", async () => {
    const p = await projectWithTeam();
    const res = await as(owner, 'POST', `/users/@me/projects/${p.id}/regenerate-keys`);
    const [entry] = await activityOf(p.id, 'keys.rotated');
    expect(entry).toMatchObject({ actorType: 'user', actorId: owner.userId, requestId: res.headers['x-request-id'], ip: expect.any(String) });
    expect(JSON.stringify(entry)).not.toMatch(/(pk|sk)_[0-9A-Za-z]{8}/);
  });
});

describe('authentication of the project routes', () => {
  it('never accepts an API key, even a valid secret key (401)', async () => {
    const p = await projectWithTeam();
    for (const [method, url] of [
      ['GET', '/users/@me/projects'],
      ['POST', '/users/@me/projects'],
      ['GET', `/users/@me/projects/${p.id}/keys`],
      ['GET', `/users/@me/projects/${p.id}`],
      ['PATCH', `/users/@me/projects/${p.id}`],
      ['POST', `/users/@me/projects/${p.id}/regenerate-keys`],
      ['DELETE', `/users/@me/projects/${p.id}`],
    ] as const) {
      const res = await t.request(method, url, { key: p.created.secret, headers: { 'x-project-id': p.id }, body: method === 'POST' || method === 'PATCH' ? { name: 'x' } : undefined });
      expect(res.status, `${method} ${url}`).toBe(401);
      expect(res.json.error.code).toBe('UNAUTHORIZED');
    }
    expect((await as(owner, 'GET', `/users/@me/projects/${p.id}/keys`)).json.secret).toBe(p.created.secret);
  });

  it('refuses a cookie-authenticated change without the CSRF token or from another origin', async () => {
    const noToken = { ...owner.headers };
    delete noToken['x-csrf-token'];
    const a = await t.request('POST', '/users/@me/projects', { key: null, headers: noToken, body: { name: 'CSRF' } });
    expect(a.status).toBe(403);
    expect(a.json.error.code).toBe('CSRF_REJECTED');
    const b = await t.request('POST', '/users/@me/projects', { key: null, headers: { ...owner.headers, origin: 'https://evil.example' }, body: { name: 'CSRF' } });
    expect(b.json.error.code).toBe('CSRF_REJECTED');
    expect((await as(owner, 'GET', '/users/@me/projects')).json.some((p: { name: string }) => p.name === 'CSRF')).toBe(false);
  });

  it('never puts a password hash, a key hash or a session token in any response', async () => {
    const hashes = (await t.deps.db.select().from(projects)).flatMap((p) => [p.publicKeyHash, p.secretKeyHash]);
    const tokens = everySession.map((s) => s.token);
    expect((await t.deps.db.select().from(sessions)).length).toBeGreaterThan(1);
    const everything = t.bodies.join('\n');
    expect(everything).not.toContain('scrypt$');
    for (const secret of [...hashes, ...tokens]) expect(everything).not.toContain(secret);
  });
});
