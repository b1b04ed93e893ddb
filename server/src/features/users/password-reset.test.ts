import { and, eq, sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { sessionHeaders } from '../../../test/sessions.js';
import { queryRows } from '../../db/client.js';
import { inboxMessages, passwordResets, projects, users } from '../../db/schema/index.js';
import { countProjects, listProjects } from '../projects/projects.service.js';

const OLD_PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'tr0ub4dor & 3 new';

// Real time plus an offset the expiry test moves forward.
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

let t: TestContext;
const origin = () => ({ origin: new URL(t.deps.config.publicUrl).origin });
const post = (url: string, body: unknown) => t.request('POST', url, { key: null, body, headers: origin() });
const sessionOf = (res: { headers: Record<string, unknown> }) =>
  ([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('mw_session='))!.split(';')[0].slice('mw_session='.length);
const me = (token: string) => t.request('GET', '/users/@me', { key: null, headers: sessionHeaders(t, token) });

const systemProject = async () => (await t.deps.db.select().from(projects).where(eq(projects.isSystem, true)))[0];
const inboxFor = async (email: string) => {
  const project = await systemProject();
  if (!project) return [];
  return t.deps.db.select().from(inboxMessages).where(and(eq(inboxMessages.projectId, project.id), eq(inboxMessages.envelopeTo, email)));
};
const resetRows = (userId: string) => t.deps.db.select().from(passwordResets).where(eq(passwordResets.userId, userId));

const secrets: string[] = [OLD_PASSWORD, NEW_PASSWORD];
let adaId: string;

beforeAll(async () => {
  t = await createTestContext({ clock, env: { LOG_LEVEL: 'debug' } });
  await t.startWorker();
  for (const email of ['ada@example.com', 'bob@example.com']) {
    const res = await post('/auth/signup', { email, password: OLD_PASSWORD });
    expect(res.status, res.body).toBe(201);
    secrets.push(sessionOf(res));
    if (email === 'ada@example.com') adaId = res.json.data.id;
  }
});
afterAll(() => t.close());

describe('password reset', () => {
  let token = '';

  it('answers the same for an unknown and a known email, and mails the known one a link through the system project', async () => {
    const unknown = await post('/auth/request-password-reset', { email: 'nobody@example.com' });
    const known = await post('/auth/request-password-reset', { email: 'ADA@example.com' });
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    expect(known.body).toBe(unknown.body);
    expect(known.json).toEqual({ success: true, data: { message: expect.stringContaining('If an account exists') } });

    const [message] = await waitFor(async () => {
      const rows = await inboxFor('ada@example.com');
      return rows.length ? rows : null;
    }, 15_000, 'the reset mail in the inbox');
    expect(message.subject).toBe('Reset your Mailwright password');
    expect(message.envelopeFrom).toBe(t.deps.config.auth.systemFrom);
    const parsed = await simpleParser(message.raw);
    const match = /http:\/\/localhost:3000\/reset-password\?token=([0-9a-f]{64})/.exec(String(parsed.html));
    expect(match, 'link in the html part').toBeTruthy();
    token = match![1];
    secrets.push(token);
    // The token appears in the link only, never elsewhere in the message.
    for (const part of [String(parsed.html), parsed.text ?? '']) {
      expect(part.split(token).length - 1).toBe(part.split(`/reset-password?token=${token}`).length - 1);
    }
    expect(message.subject).not.toContain(token);
    expect(await inboxFor('nobody@example.com')).toEqual([]);
  });

  it('keeps the system project out of project lists and counts', async () => {
    const system = await systemProject();
    expect(system.name).toBe('Mailwright (system)');
    expect((await listProjects(t.deps)).map((p) => p.id)).not.toContain(system.id);
    expect(await countProjects(t.deps)).toBe(1);
  });

  it('stores only the hash of the token', async () => {
    const rows = await resetRows(adaId);
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).not.toBe(token);
    expect(rows[0].expiresAt.getTime() - rows[0].createdAt.getTime()).toBe(3_600_000);
  });

  it('sets the new password with the token, ends every session, and refuses the token a second time', async () => {
    const res = await post('/auth/reset-password', { token, password: NEW_PASSWORD });
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({ success: true });
    expect((await me(secrets[2])).status).toBe(401);
    expect((await me(secrets[3])).status, 'another user keeps their session').toBe(200);

    expect((await post('/auth/login', { email: 'ada@example.com', password: OLD_PASSWORD })).status).toBe(401);
    const login = await post('/auth/login', { email: 'ada@example.com', password: NEW_PASSWORD });
    expect(login.status).toBe(200);
    secrets.push(sessionOf(login));

    const reuse = await post('/auth/reset-password', { token, password: 'yet another password' });
    expect(reuse.status).toBe(400);
    expect(reuse.json.error.code).toBe('INVALID_TOKEN');
    expect((await me(sessionOf(login))).status, 'a refused reset ends nothing').toBe(200);
  });

  it('refuses made-up and expired tokens with 400 INVALID_TOKEN', async () => {
    for (const bad of ['0'.repeat(64), 'not-hex']) {
      const res = await post('/auth/reset-password', { token: bad, password: NEW_PASSWORD });
      expect(res.status, bad).toBe(400);
      expect(res.json.error.code).toBe('INVALID_TOKEN');
    }
    await post('/auth/request-password-reset', { email: 'bob@example.com' });
    const [mail] = await waitFor(async () => {
      const rows = await inboxFor('bob@example.com');
      return rows.length ? rows : null;
    }, 15_000, "bob's reset mail");
    const bobToken = /token=([0-9a-f]{64})/.exec(String((await simpleParser(mail.raw)).html))![1];
    secrets.push(bobToken);
    offsetMs += 3_600_000 + 1000;
    const expired = await post('/auth/reset-password', { token: bobToken, password: NEW_PASSWORD });
    expect(expired.status).toBe(400);
    expect(expired.json.error.code).toBe('INVALID_TOKEN');
    expect((await me(secrets[3])).status).toBe(200);
  });

  it('sends at most three reset mails per email and hour, with the same answer every time', async () => {
    offsetMs += 3_600_000 + 1000;
    const [bob] = await t.deps.db.select().from(users).where(eq(users.email, 'bob@example.com'));
    const before = (await resetRows(bob.id)).length;
    const answers = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await post('/auth/request-password-reset', { email: 'bob@example.com' });
      expect(res.status).toBe(200);
      answers.add(res.body);
    }
    expect(answers.size).toBe(1);
    expect((await resetRows(bob.id)).length - before).toBe(3);
  });

  it('leaks no password, hash, session token or reset token into responses, logs or activity', async () => {
    const leaks = (text: string) => ['scrypt$', ...secrets].filter((s) => text.includes(s)).map((s, i) => (s === 'scrypt$' ? s : `secret #${i}`));
    expect(t.bodies.flatMap(leaks)).toEqual([]);
    expect(t.logs.flatMap(leaks)).toEqual([]);
    const rows = await queryRows<{ r: string }>(t.deps.db, sql.raw('select row_to_json(x)::text as r from activities x'));
    expect(rows.map((r) => r.r).flatMap(leaks)).toEqual([]);
  });
});
