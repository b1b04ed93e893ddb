import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { createUserSession, type TestSession } from '../../../test/sessions.js';
import { activities, emails, projects, type EmailStatus } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';
import { runReputationGuard } from './reputation.service.js';

// The reputation guard on seeded email rows: rolling 7-day hard-bounce and complaint rates per project.

let t: TestContext;
const p: Record<string, ProjectWithKeys> = {};
let owner: TestSession;
let member: TestSession;

/** `sent` rows accepted by the transport, of which `bounced` hard-bounced and `complained` complained. */
async function seed(project: ProjectWithKeys, counts: { sent: number; bounced?: number; complained?: number; daysAgo?: number }) {
  const contact = await t.request('POST', '/contacts', { key: project.secretKey, body: { email: `seed-${Math.random().toString(36).slice(2)}@rep.test` } });
  const createdAt = new Date(Date.now() - (counts.daysAgo ?? 0) * 86_400_000);
  const rows = Array.from({ length: counts.sent }, (_, i) => {
    const bounced = i < (counts.bounced ?? 0);
    const complained = !bounced && i < (counts.bounced ?? 0) + (counts.complained ?? 0);
    const status: EmailStatus = bounced ? 'BOUNCED' : complained ? 'COMPLAINED' : 'SENT';
    return {
      projectId: project.id,
      contactId: contact.json.id,
      toEmail: contact.json.email,
      fromEmail: 'sender@example.com',
      subject: 'Seed',
      body: '<p>Seed</p>',
      renderData: {},
      status,
      createdAt,
      sentAt: bounced ? null : createdAt,
      bouncedAt: bounced ? createdAt : null,
      bounceType: bounced ? 'HARD' : null,
      complainedAt: complained ? createdAt : null,
    };
  });
  for (let i = 0; i < rows.length; i += 500) await t.deps.db.insert(emails).values(rows.slice(i, i + 500));
}

const activityOf = async (projectId: string, type: string) => (await t.deps.db.select().from(activities).where(eq(activities.projectId, projectId))).filter((a) => a.type === type);
const projectRow = async (id: string) => (await t.deps.db.select().from(projects).where(eq(projects.id, id)))[0];
const security = (session: TestSession, id: string) => t.request('GET', `/users/@me/projects/${id}/security`, { key: null, headers: session.headers });
const resume = (session: TestSession, id: string) => t.request('POST', `/users/@me/projects/${id}/resume-marketing`, { key: null, headers: session.headers });

beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
  for (const name of ['bounces', 'warned', 'complaints', 'tiny', 'old']) p[name] = await t.newProject(name);
  await seed(p.bounces, { sent: 200, bounced: 12 }); // 6 % hard bounces: pause
  await seed(p.warned, { sent: 200, bounced: 5 }); // 2.5 %: warning only
  await seed(p.complaints, { sent: 1000, complained: 4 }); // 0.4 % complaints: pause
  await seed(p.tiny, { sent: 50, bounced: 25 }); // below the 100-email minimum
  await seed(p.old, { sent: 200, bounced: 100, daysAgo: 8 }); // outside the window
  owner = await createUserSession(t, { memberOf: Object.values(p).map((x) => ({ projectId: x.id, role: 'OWNER' as const })) });
  member = await createUserSession(t, { memberOf: [{ projectId: p.bounces.id, role: 'MEMBER' }] });
});
afterAll(() => t.close());

describe('the reputation guard job', () => {
  it('pauses marketing past the pause thresholds, warns between the thresholds, and ignores small or old volumes', async () => {
    const result = await runReputationGuard(t.deps);
    expect(result).toMatchObject({ warned: 3, paused: 2 });
    for (const name of ['bounces', 'complaints']) {
      const row = await projectRow(p[name].id);
      expect(row.marketingPausedAt, name).not.toBeNull();
      expect(row.marketingPausedReason, name).toMatch(/^reputation guard: /);
      expect(await activityOf(p[name].id, 'marketing.paused'), name).toHaveLength(1);
    }
    expect((await projectRow(p.bounces.id)).marketingPausedReason).toMatch(/6\.00 % hard bounces/);
    expect((await projectRow(p.warned.id)).marketingPausedAt).toBeNull();
    expect(await activityOf(p.warned.id, 'reputation.warning')).toHaveLength(1);
    for (const name of ['tiny', 'old']) {
      expect((await projectRow(p[name].id)).marketingPausedAt, name).toBeNull();
      expect(await activityOf(p[name].id, 'reputation.warning'), name).toHaveLength(0);
    }
  });

  it('warns once per crossing, not on every run', async () => {
    await runReputationGuard(t.deps);
    expect(await activityOf(p.warned.id, 'reputation.warning')).toHaveLength(1);
    expect(await activityOf(p.bounces.id, 'marketing.paused')).toHaveLength(1);
  });

  it('holds marketing mail of a paused project as SUPPRESSED while transactional mail is delivered', async () => {
    await t.startWorker();
    const key = p.bounces.secretKey;
    const template = await t.request('POST', '/templates', { key, body: { name: 'News', subject: 'News', body: '<p>News</p>', from: 'sender@example.com', type: 'MARKETING' } });
    const marketing = await t.request('POST', '/v1/send', { key, body: { to: 'fan@rep.test', template: template.json.id, subscribed: true } });
    const transactional = await t.request('POST', '/v1/send', { key, body: { to: 'fan@rep.test', subject: 'Receipt', body: '<p>Thanks</p>' } });
    const settled = (id: string) =>
      waitFor(async () => {
        const r = (await t.request('GET', `/emails/${id}`, { key })).json;
        return ['SENT', 'SUPPRESSED', 'FAILED'].includes(r.status) ? r : null;
      });
    const held = await settled(marketing.json.data.emails[0].email);
    expect(held.status).toBe('SUPPRESSED');
    expect(held.reason).toMatch(/^Marketing sends are paused for this project since .*: reputation guard/);
    expect((await settled(transactional.json.data.emails[0].email)).status).toBe('SENT');
    const inbox = await t.request('GET', '/inbox', { key });
    expect(inbox.json.data.map((m: { subject: string }) => m.subject)).toEqual(['Receipt']);
  });
});

describe('GET /users/@me/projects/:id/security and resume-marketing', () => {
  it('shows members the rates, levels and pause state', async () => {
    const res = await security(member, p.bounces.id);
    expect(res.status, res.body).toBe(200);
    expect(res.json).toMatchObject({
      status: 'critical',
      levels: { bounce7Day: 'critical', complaint7Day: 'healthy' },
      isDisabled: false,
      marketingPaused: true,
      marketingPausedReason: expect.stringMatching(/^reputation guard/),
      thresholds: { bounceWarning: 0.02, bouncePause: 0.05, complaintWarning: 0.001, complaintPause: 0.003, minimumSent: 100 },
    });
    expect(res.json.window).toMatchObject({ days: 7, bounced: 12, bounceRate: expect.any(Number) });
    expect((await security(owner, p.warned.id)).json).toMatchObject({ status: 'warning', marketingPaused: false });
    expect((await security(owner, p.tiny.id)).json).toMatchObject({ status: 'healthy' });
  });

  it('refuses non-members and API keys', async () => {
    expect((await security(member, p.warned.id)).status).toBe(403);
    expect((await t.request('GET', `/users/@me/projects/${p.bounces.id}/security`, { key: p.bounces.secretKey })).status).toBe(401);
  });

  it('lets only an OWNER resume, after which the guard counts from the resume on', async () => {
    expect((await resume(member, p.bounces.id)).status).toBe(403);
    const res = await resume(owner, p.bounces.id);
    expect(res.status, res.body).toBe(200);
    expect(res.json.marketingPaused).toBe(false);
    expect(await activityOf(p.bounces.id, 'marketing.resumed')).toHaveLength(1);
    await runReputationGuard(t.deps);
    expect((await projectRow(p.bounces.id)).marketingPausedAt).toBeNull();
    const again = await resume(owner, p.bounces.id);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('CONFLICT');
  });
});
