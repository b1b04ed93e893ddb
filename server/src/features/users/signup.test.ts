import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { sessionHeaders } from '../../../test/sessions.js';
import { sha256 } from '../../core/crypto.js';
import { activities, projectInvitations, projectMembers, type MemberRole } from '../../db/schema/index.js';

const PASSWORD = 'correct horse battery staple';

function sessionCookie(res: { headers: Record<string, unknown> }): string {
  const cookies = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []);
  const session = cookies.find((c) => c.startsWith('mw_session='));
  if (!session) throw new Error('no mw_session cookie set');
  return session.split(';')[0].slice('mw_session='.length);
}

const signup = (t: TestContext, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.request('POST', '/auth/signup', { key: null, body, headers: { origin: new URL(t.deps.config.publicUrl).origin, ...headers } });

const me = (t: TestContext, token: string) => t.request('GET', '/users/@me', { key: null, headers: sessionHeaders(t, token) });

async function invite(t: TestContext, email: string, opts: { role?: MemberRole; expiresInMs?: number } = {}) {
  const token = `invite-${Math.random().toString(36).slice(2)}`;
  const [row] = await t.deps.db
    .insert(projectInvitations)
    .values({
      projectId: t.project.id,
      email,
      role: opts.role ?? 'ADMIN',
      tokenHash: sha256(token).toString('hex'),
      expiresAt: new Date(Date.now() + (opts.expiresInMs ?? 86_400_000)),
    })
    .returning();
  return { token, id: row.id };
}

const membership = async (t: TestContext, userId: string) =>
  (await t.deps.db.select().from(projectMembers).where(and(eq(projectMembers.projectId, t.project.id), eq(projectMembers.userId, userId))))[0];

describe('signup', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  it('GET /config tells the dashboard that nobody has signed up yet', async () => {
    const res = await t.request('GET', '/config', { key: null });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ signupsDisabled: false, hasUsers: false, devInbox: true, publicUrl: 'http://localhost:3000', version: '0.1.0' });
  });

  it('makes the first account the instance owner and logs it in; the second account is no owner', async () => {
    const first = await signup(t, { email: '  Owner@Example.COM ', password: PASSWORD });
    expect(first.status, first.body).toBe(201);
    expect(first.json).toEqual({ success: true, data: { id: expect.any(String), email: 'owner@example.com' } });
    const ownerMe = await me(t, sessionCookie(first));
    expect(ownerMe.status, ownerMe.body).toBe(200);
    expect(ownerMe.json).toMatchObject({ id: first.json.data.id, email: 'owner@example.com', isInstanceOwner: true });

    const second = await signup(t, { email: 'second@example.com', password: PASSWORD });
    expect(second.status, second.body).toBe(201);
    expect((await me(t, sessionCookie(second))).json.isInstanceOwner).toBe(false);
    expect((await t.request('GET', '/config', { key: null })).json.hasUsers).toBe(true);
    // The owner takes over the project nobody belonged to (the seeded demo project); the second user gets nothing.
    expect((await membership(t, first.json.data.id))?.role).toBe('OWNER');
    expect(await membership(t, second.json.data.id)).toBeUndefined();
  });

  it('refuses an email that already has an account, however it is capitalised', async () => {
    const res = await signup(t, { email: 'SECOND@example.com', password: 'another password' });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('EMAIL_TAKEN');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('validates the email and the password length', async () => {
    const short = await signup(t, { email: 'short@example.com', password: '1234567' });
    expect(short.status).toBe(422);
    expect(short.json.error.errors[0].field).toBe('password');
    const long = await signup(t, { email: 'long@example.com', password: 'x'.repeat(257) });
    expect(long.status).toBe(422);
    const bad = await signup(t, { email: 'not-an-email', password: PASSWORD });
    expect(bad.status).toBe(422);
    expect(bad.json.error.errors[0].field).toBe('email');
  });

  it('refuses a signup from a foreign origin or without any origin (login CSRF)', async () => {
    const foreign = await signup(t, { email: 'csrf@example.com', password: PASSWORD }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe('CSRF_REJECTED');
    const none = await t.request('POST', '/auth/signup', { key: null, body: { email: 'csrf@example.com', password: PASSWORD } });
    expect(none.status).toBe(403);
  });

  it('joins the inviting project when a valid invite token comes with a normal signup', async () => {
    const { token, id } = await invite(t, 'invited@example.com', { role: 'MEMBER' });
    const res = await signup(t, { email: 'Invited@example.com', password: PASSWORD, inviteToken: token });
    expect(res.status, res.body).toBe(201);
    expect((await membership(t, res.json.data.id))?.role).toBe('MEMBER');
    const [row] = await t.deps.db.select().from(projectInvitations).where(eq(projectInvitations.id, id));
    expect(row.acceptedAt).toBeInstanceOf(Date);
    const joined = await t.deps.db.select().from(activities).where(and(eq(activities.projectId, t.project.id), eq(activities.type, 'member.joined')));
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({ actorType: 'user', actorId: res.json.data.id });
    expect(joined[0].summary).toContain('invited@example.com');
  });

  it('ignores an invite token meant for another email on an open instance', async () => {
    const { token } = await invite(t, 'someone-else@example.com');
    const res = await signup(t, { email: 'not-invited@example.com', password: PASSWORD, inviteToken: token });
    expect(res.status, res.body).toBe(201);
    expect(await membership(t, res.json.data.id)).toBeUndefined();
  });
});

describe('signup with DISABLE_SIGNUPS', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ env: { DISABLE_SIGNUPS: 'true' } });
  });
  afterAll(() => t.close());

  it('says so in GET /config and refuses a signup without an invitation, except the very first account', async () => {
    expect((await t.request('GET', '/config', { key: null })).json.signupsDisabled).toBe(true);
    const owner = await signup(t, { email: 'owner@example.com', password: PASSWORD });
    expect(owner.status, owner.body).toBe(201);
    const res = await signup(t, { email: 'walk-in@example.com', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('SIGNUPS_DISABLED');
    expect(res.json.error.message).toMatch(/invitation/);
  });

  it('refuses an invitation for another email, an expired one and an unknown token', async () => {
    const other = await invite(t, 'someone@example.com');
    const expired = await invite(t, 'late@example.com', { expiresInMs: -1000 });
    for (const body of [
      { email: 'intruder@example.com', password: PASSWORD, inviteToken: other.token },
      { email: 'late@example.com', password: PASSWORD, inviteToken: expired.token },
      { email: 'someone@example.com', password: PASSWORD, inviteToken: 'invite-made-up' },
    ]) {
      const res = await signup(t, body);
      expect(res.status, body.email).toBe(403);
      expect(res.json.error.code).toBe('SIGNUPS_DISABLED');
    }
  });

  it('lets the invited email sign up with its token, joining the project with the invited role, once', async () => {
    const { token } = await invite(t, 'guest@example.com', { role: 'ADMIN' });
    const res = await signup(t, { email: 'guest@example.com', password: PASSWORD, inviteToken: token });
    expect(res.status, res.body).toBe(201);
    expect((await membership(t, res.json.data.id))?.role).toBe('ADMIN');
    expect((await me(t, sessionCookie(res))).status).toBe(200);

    const again = await signup(t, { email: 'guest@example.com', password: PASSWORD, inviteToken: token });
    expect(again.status).toBe(403);
    expect(again.json.error.code).toBe('SIGNUPS_DISABLED');
  });
});

describe('concurrent first signups', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  it('make exactly one instance owner', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => signup(t, { email: `racer${i}@example.com`, password: PASSWORD })));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    const owners = await Promise.all(results.map(async (r) => (await me(t, sessionCookie(r))).json.isInstanceOwner));
    expect(owners.filter(Boolean)).toHaveLength(1);
  });
});
