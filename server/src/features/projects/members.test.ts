import { and, eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { createUserSession, sessionHeaders, type TestSession } from '../../../test/sessions.js';
import { sha256 } from '../../core/crypto.js';
import { activities, inboxMessages, projectInvitations, type MemberRole } from '../../db/schema/index.js';
import { ensureSystemProject } from './projects.service.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
  await t.startWorker();
});
afterAll(() => t?.close());

const as = (s: TestSession, method: string, url: string, body?: unknown) => t.request(method, url, { key: null, headers: s.headers, body });

interface Team {
  id: string;
  owner: TestSession;
  admin: TestSession;
  member: TestSession;
}

/** A project created by its owner, with an ADMIN and a MEMBER added through the members route. */
async function team(): Promise<Team> {
  const owner = await createUserSession(t);
  const id: string = (await as(owner, 'POST', '/users/@me/projects', { name: 'Team' })).json.id;
  const admin = await createUserSession(t);
  const member = await createUserSession(t);
  for (const [s, role] of [[admin, 'ADMIN'], [member, 'MEMBER']] as const) {
    const res = await as(owner, 'POST', `/projects/${id}/members`, { email: s.email, role });
    expect(res.status, res.body).toBe(201);
  }
  return { id, owner, admin, member };
}

const roles = async (p: Team) =>
  Object.fromEntries((await as(p.owner, 'GET', `/projects/${p.id}/members`)).json.members.map((m: { userId: string; role: MemberRole }) => [m.userId, m.role]));

const activityOf = (projectId: string, type: string) =>
  t.deps.db.select().from(activities).where(and(eq(activities.projectId, projectId), eq(activities.type, type)));

describe('GET /projects/:id/members', () => {
  it('lists members with email and role, and pending invitations, to any member', async () => {
    const p = await team();
    await as(p.admin, 'POST', `/projects/${p.id}/members`, { email: 'pending@example.com' });
    const res = await as(p.member, 'GET', `/projects/${p.id}/members`);
    expect(res.status, res.body).toBe(200);
    expect(res.json.members).toEqual([
      { userId: p.owner.userId, email: p.owner.email, role: 'OWNER', createdAt: expect.any(String) },
      { userId: p.admin.userId, email: p.admin.email, role: 'ADMIN', createdAt: expect.any(String) },
      { userId: p.member.userId, email: p.member.email, role: 'MEMBER', createdAt: expect.any(String) },
    ]);
    expect(res.json.invitations).toEqual([{ id: expect.any(String), email: 'pending@example.com', role: 'MEMBER', createdAt: expect.any(String), expiresAt: expect.any(String) }]);
  });

  it('hides expired invitations', async () => {
    const p = await team();
    await as(p.owner, 'POST', `/projects/${p.id}/members`, { email: 'late@example.com' });
    await t.deps.db.update(projectInvitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(projectInvitations.projectId, p.id));
    expect((await as(p.owner, 'GET', `/projects/${p.id}/members`)).json.invitations).toEqual([]);
  });

  it('is 403 for a non-member, an unknown project and a malformed id', async () => {
    const p = await team();
    const stranger = await createUserSession(t);
    for (const id of [p.id, '00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await as(stranger, 'GET', `/projects/${id}/members`);
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('FORBIDDEN');
    }
  });
});

describe('POST /projects/:id/members', () => {
  it('adds an existing account directly, once (409 the second time), with an Activity entry', async () => {
    const p = await team();
    const joiner = await createUserSession(t);
    const res = await as(p.admin, 'POST', `/projects/${p.id}/members`, { email: joiner.email.toUpperCase() });
    expect(res.status, res.body).toBe(201);
    expect(res.json).toEqual({ status: 'added', member: { userId: joiner.userId, email: joiner.email, role: 'MEMBER', createdAt: expect.any(String) } });
    expect((await as(joiner, 'GET', '/users/@me/projects')).json).toEqual([expect.objectContaining({ id: p.id, role: 'MEMBER' })]);
    const again = await as(p.admin, 'POST', `/projects/${p.id}/members`, { email: joiner.email, role: 'ADMIN' });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('CONFLICT');
    const entries = (await activityOf(p.id, 'member.added')).filter((a) => a.summary.includes(joiner.email));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorType: 'user', actorId: p.admin.userId, requestId: res.headers['x-request-id'], ip: expect.any(String) });
    expect(entries[0].summary).toContain('MEMBER');
  });

  it('is refused to a MEMBER (403) and validates the body (422)', async () => {
    const p = await team();
    const res = await as(p.member, 'POST', `/projects/${p.id}/members`, { email: 'x@example.com' });
    expect(res.status).toBe(403);
    expect((await as(p.admin, 'POST', `/projects/${p.id}/members`, { email: 'not-an-email' })).status).toBe(422);
    expect((await as(p.owner, 'POST', `/projects/${p.id}/members`, { email: 'y@example.com', role: 'OWNER' })).status).toBe(422);
  });

  it('invites an unknown address: the mail reaches the system inbox and its link signs the invitee up into the project', async () => {
    const p = await team();
    const res = await as(p.admin, 'POST', `/projects/${p.id}/members`, { email: 'New.Person+x@Example.com', role: 'ADMIN' });
    expect(res.status, res.body).toBe(201);
    expect(res.json).toEqual({
      status: 'invited',
      invitation: { id: expect.any(String), email: 'new.person+x@example.com', role: 'ADMIN', createdAt: expect.any(String), expiresAt: expect.any(String) },
    });
    const days = (Date.parse(res.json.invitation.expiresAt) - Date.parse(res.json.invitation.createdAt)) / 86_400_000;
    expect(days).toBeCloseTo(7, 5);

    const system = await ensureSystemProject(t.deps);
    const message = await waitFor(async () => {
      const rows = await t.deps.db.select().from(inboxMessages).where(eq(inboxMessages.projectId, system.id));
      return rows.find((m) => m.envelopeTo === 'new.person+x@example.com');
    }, 15_000, 'the invitation mail');
    const mail = await simpleParser(message.raw);
    expect(mail.subject).toBe('You are invited to Team on Mailwright');
    const link = /href="([^"]+)"/.exec(String(mail.html))?.[1].replaceAll('&amp;', '&');
    expect(link).toMatch(/\/signup\?invite=[0-9a-f]{64}&email=/);
    expect(mail.text).toContain(link);
    const url = new URL(link!);
    expect(url.origin + url.pathname).toBe(`${t.deps.config.publicUrl}/signup`);
    expect(url.searchParams.get('email')).toBe('new.person+x@example.com');
    expect(link).toContain('email=new.person%2Bx%40example.com');
    const token = url.searchParams.get('invite')!;
    const [stored] = await t.deps.db.select().from(projectInvitations).where(eq(projectInvitations.id, res.json.invitation.id));
    expect(stored.tokenHash).toBe(sha256(token).toString('hex'));

    const [invited] = await activityOf(p.id, 'member.invited');
    expect(invited).toMatchObject({ actorType: 'user', actorId: p.admin.userId, requestId: res.headers['x-request-id'] });
    expect(invited.summary).toContain('new.person+x@example.com');
    expect(invited.summary).toContain('ADMIN');
    expect(JSON.stringify(invited)).not.toContain(token);

    const signup = await t.request('POST', '/auth/signup', {
      key: null,
      headers: { origin: new URL(t.deps.config.publicUrl).origin },
      body: { email: url.searchParams.get('email'), password: 'correct horse battery staple', inviteToken: token },
    });
    expect(signup.status, signup.body).toBe(201);
    const cookie = ([] as string[]).concat(signup.headers['set-cookie']).find((c) => c.startsWith('mw_session='))!;
    const session = sessionHeaders(t, cookie.split(';')[0].slice('mw_session='.length));
    const projects = await t.request('GET', '/users/@me/projects', { key: null, headers: session });
    expect(projects.json).toEqual([expect.objectContaining({ id: p.id, role: 'ADMIN' })]);
  });

  it('keeps one pending invitation per address: inviting again replaces the token', async () => {
    const p = await team();
    const first = await as(p.owner, 'POST', `/projects/${p.id}/members`, { email: 'twice@example.com' });
    const [before] = await t.deps.db.select().from(projectInvitations).where(eq(projectInvitations.id, first.json.invitation.id));
    const second = await as(p.owner, 'POST', `/projects/${p.id}/members`, { email: 'twice@example.com', role: 'ADMIN' });
    expect(second.status).toBe(201);
    const rows = await t.deps.db.select().from(projectInvitations).where(eq(projectInvitations.projectId, p.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'twice@example.com', role: 'ADMIN' });
    expect(rows[0].tokenHash).not.toBe(before.tokenHash);
    expect((await as(p.owner, 'GET', `/projects/${p.id}/members`)).json.invitations).toHaveLength(1);
  });
});

describe('PATCH /projects/:id/members/:userId', () => {
  it('lets an ADMIN promote a MEMBER, but not grant OWNER nor change an OWNER', async () => {
    const p = await team();
    const promoted = await as(p.admin, 'PATCH', `/projects/${p.id}/members/${p.member.userId}`, { role: 'ADMIN' });
    expect(promoted.status, promoted.body).toBe(200);
    expect(promoted.json).toEqual({ userId: p.member.userId, email: p.member.email, role: 'ADMIN', createdAt: expect.any(String) });
    const [entry] = await activityOf(p.id, 'member.role_changed');
    expect(entry).toMatchObject({ actorType: 'user', actorId: p.admin.userId, requestId: promoted.headers['x-request-id'] });
    expect(entry.summary).toContain(p.member.email);
    expect(entry.summary).toMatch(/MEMBER to ADMIN/);

    expect((await as(p.admin, 'PATCH', `/projects/${p.id}/members/${p.member.userId}`, { role: 'OWNER' })).status).toBe(403);
    expect((await as(p.admin, 'PATCH', `/projects/${p.id}/members/${p.admin.userId}`, { role: 'OWNER' })).status).toBe(403);
    expect((await as(p.admin, 'PATCH', `/projects/${p.id}/members/${p.owner.userId}`, { role: 'MEMBER' })).status).toBe(403);
    expect(await roles(p)).toEqual({ [p.owner.userId]: 'OWNER', [p.admin.userId]: 'ADMIN', [p.member.userId]: 'ADMIN' });
  });

  it('is refused to a MEMBER', async () => {
    const p = await team();
    const res = await as(p.member, 'PATCH', `/projects/${p.id}/members/${p.member.userId}`, { role: 'ADMIN' });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('FORBIDDEN');
  });

  it('lets an OWNER grant OWNER, and an OWNER step down only while another OWNER remains (409 otherwise)', async () => {
    const p = await team();
    const last = await as(p.owner, 'PATCH', `/projects/${p.id}/members/${p.owner.userId}`, { role: 'ADMIN' });
    expect(last.status).toBe(409);
    expect(last.json.error.code).toBe('CONFLICT');
    expect((await as(p.owner, 'PATCH', `/projects/${p.id}/members/${p.admin.userId}`, { role: 'OWNER' })).status).toBe(200);
    expect((await as(p.owner, 'PATCH', `/projects/${p.id}/members/${p.owner.userId}`, { role: 'MEMBER' })).status).toBe(200);
    // The former admin is now the only OWNER and cannot demote themself.
    expect((await as(p.admin, 'PATCH', `/projects/${p.id}/members/${p.admin.userId}`, { role: 'ADMIN' })).status).toBe(409);
    expect(await roles(p)).toEqual({ [p.owner.userId]: 'MEMBER', [p.admin.userId]: 'OWNER', [p.member.userId]: 'MEMBER' });
  });

  it('is 404 for a user who is not a member of the project', async () => {
    const p = await team();
    const outsider = await createUserSession(t);
    for (const id of [outsider.userId, 'not-a-uuid']) {
      const res = await as(p.owner, 'PATCH', `/projects/${p.id}/members/${id}`, { role: 'ADMIN' });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('RESOURCE_NOT_FOUND');
    }
  });
});

describe('DELETE /projects/:id/members/:userId', () => {
  it('refuses to remove yourself (403), whatever your role', async () => {
    const p = await team();
    for (const s of [p.owner, p.admin]) {
      const res = await as(s, 'DELETE', `/projects/${p.id}/members/${s.userId}`);
      expect(res.status).toBe(403);
      expect(res.json.error.message).toBe('You cannot remove yourself');
    }
  });

  it('lets an ADMIN remove a MEMBER but not an OWNER; a MEMBER removes nobody', async () => {
    const p = await team();
    expect((await as(p.member, 'DELETE', `/projects/${p.id}/members/${p.admin.userId}`)).status).toBe(403);
    expect((await as(p.admin, 'DELETE', `/projects/${p.id}/members/${p.owner.userId}`)).status).toBe(403);
    const res = await as(p.admin, 'DELETE', `/projects/${p.id}/members/${p.member.userId}`);
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({ success: true });
    expect(await roles(p)).toEqual({ [p.owner.userId]: 'OWNER', [p.admin.userId]: 'ADMIN' });
    expect((await as(p.member, 'GET', `/projects/${p.id}/members`)).status).toBe(403);
    const [entry] = await activityOf(p.id, 'member.removed');
    expect(entry).toMatchObject({ actorType: 'user', actorId: p.admin.userId, requestId: res.headers['x-request-id'] });
    expect(entry.summary).toContain(p.member.email);
    expect(entry.summary).toContain('MEMBER');
  });

  it('lets an OWNER remove another OWNER and an ADMIN', async () => {
    const p = await team();
    await as(p.owner, 'PATCH', `/projects/${p.id}/members/${p.member.userId}`, { role: 'OWNER' });
    expect((await as(p.owner, 'DELETE', `/projects/${p.id}/members/${p.member.userId}`)).status).toBe(200);
    expect((await as(p.owner, 'DELETE', `/projects/${p.id}/members/${p.admin.userId}`)).status).toBe(200);
    expect(await roles(p)).toEqual({ [p.owner.userId]: 'OWNER' });
  });
});

describe('DELETE /projects/:id/invitations/:invitationId', () => {
  it('revokes a pending invitation (ADMIN+), with an Activity entry; a MEMBER cannot', async () => {
    const p = await team();
    const invited = await as(p.owner, 'POST', `/projects/${p.id}/members`, { email: 'revoke-me@example.com' });
    const url = `/projects/${p.id}/invitations/${invited.json.invitation.id}`;
    expect((await as(p.member, 'DELETE', url)).status).toBe(403);
    const res = await as(p.admin, 'DELETE', url);
    expect(res.status, res.body).toBe(200);
    expect((await as(p.owner, 'GET', `/projects/${p.id}/members`)).json.invitations).toEqual([]);
    const [entry] = await activityOf(p.id, 'invitation.revoked');
    expect(entry).toMatchObject({ actorType: 'user', actorId: p.admin.userId, requestId: res.headers['x-request-id'] });
    expect(entry.summary).toContain('revoke-me@example.com');
    const again = await as(p.admin, 'DELETE', url);
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('RESOURCE_NOT_FOUND');
  });

  it("cannot reach another project's invitation", async () => {
    const p = await team();
    const q = await team();
    const invited = await as(q.owner, 'POST', `/projects/${q.id}/members`, { email: 'theirs@example.com' });
    expect((await as(p.owner, 'DELETE', `/projects/${p.id}/invitations/${invited.json.invitation.id}`)).status).toBe(404);
    expect((await as(p.owner, 'DELETE', `/projects/${q.id}/invitations/${invited.json.invitation.id}`)).status).toBe(403);
    expect((await as(q.owner, 'GET', `/projects/${q.id}/members`)).json.invitations).toHaveLength(1);
  });
});

describe('authentication of the member routes', () => {
  it('never accepts an API key (401)', async () => {
    const p = await team();
    const key = await t.newProject('Keyed');
    for (const [method, url] of [
      ['GET', `/projects/${p.id}/members`],
      ['POST', `/projects/${p.id}/members`],
      ['DELETE', `/projects/${p.id}/members/${p.member.userId}`],
    ] as const) {
      const res = await t.request(method, url, { key: key.secretKey, body: method === 'POST' ? { email: 'k@example.com' } : undefined });
      expect(res.status, url).toBe(401);
    }
  });

  it('never returns a token, a password hash or a key hash', async () => {
    const everything = t.bodies.join('\n');
    expect(everything).not.toContain('scrypt$');
    const tokens = (await t.deps.db.select().from(projectInvitations)).map((i) => i.tokenHash);
    for (const h of tokens) expect(everything).not.toContain(h);
  });
});
