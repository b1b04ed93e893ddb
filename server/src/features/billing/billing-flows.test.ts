import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, getCampaignRow, seedContacts } from '../../../test/campaign-fixtures.js';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { createUserSession } from '../../../test/sessions.js';
import { engineFixture } from '../../../test/workflow-fixtures.js';
import { activities, emails } from '../../db/schema/index.js';
import { startScheduledCampaign } from '../campaigns/campaign-lifecycle.service.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// The limits on the paths that are not a request: a workflow's SEND_EMAIL step and a scheduled campaign.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker({ workflowPoller: false });
});
afterAll(() => t?.close());

async function projectWithLimits(limits: Record<string, number | null>): Promise<ProjectWithKeys> {
  const p = await t.newProject('Flows');
  const owner = await createUserSession(t, { memberOf: [{ projectId: p.id, role: 'OWNER' }] });
  const res = await t.request('PUT', `/users/@me/projects/${p.id}/billing-limits`, { key: null, headers: owner.headers, body: limits });
  expect(res.status).toBe(200);
  return p;
}

describe('a workflow limit', () => {
  it('fails the email at the limit with the reason, and the execution carries on', async () => {
    const p = await projectWithLimits({ workflow: 1 });
    const fx = engineFixture(t, p);
    const templateId = await fx.template();
    const wf = await fx.flow({
      triggerType: 'MANUAL',
      steps: [
        { key: 'send', type: 'SEND_EMAIL', templateId },
        { key: 'exit', type: 'EXIT', config: { reason: 'after-send' } },
      ],
    });
    const outcomes = [];
    for (const email of ['first@example.com', 'second@example.com']) {
      const started = await fx.start(wf.id, await fx.contact(email));
      expect(started.status).toBe(201);
      const done = await fx.settled(wf.id, started.json.id);
      expect(done.status).toBe('EXITED');
      outcomes.push(fx.stepOf(done, wf.steps.send)!);
    }
    expect(outcomes[0]).toMatchObject({ status: 'COMPLETED' });
    expect(outcomes[0].output.status).toBeUndefined();
    expect(outcomes[1]).toMatchObject({
      status: 'COMPLETED',
      output: { status: 'FAILED', reason: 'Billing limit reached for workflow emails. Current usage: 1/1 (100%)' },
    });
    const [refused] = await t.deps.db.select().from(emails).where(eq(emails.id, outcomes[1].output.emailId));
    expect(refused).toMatchObject({ status: 'FAILED', sourceType: 'WORKFLOW' });
    const failed = await t.deps.db.select().from(activities).where(and(eq(activities.projectId, p.id), eq(activities.type, 'email.failed')));
    expect(failed).toHaveLength(1);
    // Transactional mail has no limit here.
    const sent = await t.request('POST', '/v1/send', { key: p.secretKey, body: { to: 'tx@example.com', subject: 'Hi', body: '<p>Hi</p>', from: 'flows@example.com' } });
    expect(sent.status).toBe(200);
  });
});

describe('a scheduled campaign over the campaign limit', () => {
  it('goes back to DRAFT with an Activity entry instead of starting', async () => {
    const p = await projectWithLimits({ campaign: 2 });
    await seedContacts(t, 3, 'sched', {}, p.id);
    const id = await createCampaign(t, { name: 'Later' }, p.secretKey);
    const scheduledFor = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await t.request('POST', `/campaigns/${id}/send`, { key: p.secretKey, body: { scheduledFor } });
    expect(scheduled.status).toBe(200);
    expect(scheduled.json.data.status).toBe('SCHEDULED');

    expect(await startScheduledCampaign(t.deps, { campaignId: id, scheduledFor })).toBeNull();
    expect((await getCampaignRow(t, id)).status).toBe('DRAFT');
    const [refused] = await t.deps.db.select().from(activities).where(and(eq(activities.projectId, p.id), eq(activities.type, 'campaign.start_refused')));
    expect(refused.summary).toContain('Billing limit reached for campaign emails');
    expect(await t.deps.db.select().from(emails).where(eq(emails.campaignId, id))).toHaveLength(0);
  });
});
