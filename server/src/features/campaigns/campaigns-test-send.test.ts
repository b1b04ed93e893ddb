import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { createUserSession, type TestSession } from '../../../test/sessions.js';
import { emails } from '../../db/schema/index.js';

// POST /campaigns/:id/test: a member gets one copy through the normal pipeline (the Dev Inbox here,
// the default transport), marked as a test, untracked, and outside the campaign's stats.

let t: TestContext;
let owner: TestSession;
let member: TestSession;
let outsider: TestSession;
beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker();
  owner = await createUserSession(t, { email: 'owner@team.test', memberOf: [{ projectId: t.project.id, role: 'OWNER' }] });
  member = await createUserSession(t, { email: 'Writer@Team.test', memberOf: [{ projectId: t.project.id, role: 'MEMBER' }] });
  const elsewhere = await t.newProject();
  outsider = await createUserSession(t, { email: 'outsider@team.test', memberOf: [{ projectId: elsewhere.id, role: 'OWNER' }] });
});
afterAll(() => t.close());

async function campaign(extra: Record<string, unknown> = {}) {
  const res = await t.request('POST', '/campaigns', {
    body: { name: 'Weekly', subject: 'News for {{ email }}', body: '<p>Hi {{ name ?? "friend" }}, <a href="https://acme.test/read">read</a></p>', audienceType: 'ALL', ...extra },
  });
  expect(res.status, res.body).toBe(201);
  return res.json.data.id as string;
}

/** The Dev Inbox copy of an email, once the worker delivered it. */
async function inboxCopy(emailId: string) {
  const item = await waitFor(async () => (await t.request('GET', '/inbox')).json.data.find((m: { emailId: string }) => m.emailId === emailId), 15_000, 'the test email in the Dev Inbox');
  return (await t.request('GET', `/inbox/${item.id}`)).json as { raw: string; to: string };
}

describe('POST /campaigns/:id/test', () => {
  it('sends the rendered campaign to a member, marked [TEST], untracked, as a transactional email', async () => {
    const id = await campaign();
    const res = await t.request('POST', `/campaigns/${id}/test`, { body: { email: 'owner@team.test' } });
    expect(res.status, res.body).toBe(200);
    expect(res.json).toMatchObject({ success: true, message: 'Test email sent to owner@team.test', data: { status: 'PENDING' } });

    const copy = await inboxCopy(res.json.data.emailId);
    expect(copy.raw).toMatch(/^Subject: \[TEST\] News for owner@team\.test\r?$/m);
    expect(copy.to).toBe('owner@team.test');
    expect(copy.raw).not.toMatch(/^List-Unsubscribe:/m); // a new contact starts unsubscribed: no marketing extras
    expect(copy.raw).toMatch(/^X-Mailwright-Test: true$/m);
    expect(copy.raw).toContain('Hi friend');
    expect(copy.raw).not.toContain('/t/o/'); // no open pixel
    expect(copy.raw).toContain('https://acme.test/read'); // links left as they are

    const [row] = await t.deps.db.select().from(emails).where(eq(emails.id, res.json.data.emailId));
    expect(row).toMatchObject({ campaignId: null, trackingOverride: false, sourceType: 'TRANSACTIONAL', toEmail: 'owner@team.test' });
    expect((await t.request('GET', `/campaigns/${id}/stats`)).json.data).toMatchObject({ sentCount: 0, totalRecipients: 0 });
    const activity = await t.request('GET', '/activity?type=campaign.test_sent');
    expect(activity.json.data[0].metadata).toMatchObject({ campaignId: id, to: 'owner@team.test' });
  });

  it('matches member addresses case-insensitively, from a dashboard session too', async () => {
    const id = await campaign();
    const res = await t.request('POST', `/campaigns/${id}/test`, { key: null, headers: owner.forProject(t.project.id), body: { email: 'WRITER@team.test' } });
    expect(res.status, res.body).toBe(200);
    expect((await inboxCopy(res.json.data.emailId)).to).toBe(member.email);
  });

  it('keeps the footer and List-Unsubscribe of a marketing campaign for a subscribed member contact', async () => {
    await t.request('POST', '/contacts', { body: { email: 'owner@team.test', subscribed: true } });
    const res = await t.request('POST', `/campaigns/${await campaign()}/test`, { body: { email: 'owner@team.test' } });
    const copy = await inboxCopy(res.json.data.emailId);
    expect(copy.raw).toMatch(/^List-Unsubscribe:/m);
    expect(copy.raw).toContain('Unsubscribe');
    const transactional = await t.request('POST', `/campaigns/${await campaign({ type: 'TRANSACTIONAL' })}/test`, { body: { email: 'owner@team.test' } });
    expect((await inboxCopy(transactional.json.data.emailId)).raw).not.toMatch(/^List-Unsubscribe:/m);
  });

  it('refuses addresses that are not members of the project (403), writing nothing', async () => {
    const id = await campaign();
    for (const email of ['stranger@example.com', outsider.email]) {
      const res = await t.request('POST', `/campaigns/${id}/test`, { body: { email } });
      expect(res.status).toBe(403);
      expect(res.json.error).toMatchObject({ code: 'FORBIDDEN', message: 'Test emails can only be sent to project members' });
      expect(await t.deps.db.select().from(emails).where(and(eq(emails.projectId, t.project.id), eq(emails.toEmail, email)))).toEqual([]);
    }
    expect((await t.request('POST', `/campaigns/${id}/test`, { body: { email: 'not-an-address' } })).status).toBe(422);
  });

  it('does not send to a suppressed member address', async () => {
    await t.request('POST', '/suppression-list', { body: { email: 'owner@team.test' } });
    const res = await t.request('POST', `/campaigns/${await campaign()}/test`, { body: { email: 'owner@team.test' } });
    expect(res.status).toBe(200);
    expect(res.json.data.status).toBe('SUPPRESSED');
    expect(res.json.message).toContain('was not sent');
    await t.request('DELETE', '/suppression-list/owner@team.test');
  });
});
