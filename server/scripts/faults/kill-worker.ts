import { randomInt } from 'node:crypto';
import { scoped, type Child } from '../../../bench/lib.js';
import type { Cluster } from './cluster.js';
import { startFaultSink, type FaultSink } from './fault-sink.js';
import { createProject, emailStatus, judge, kill9, log, must, prepareStack, rows, sendingNow, sleep, startApi, startWorker, waitUntil, type Stack, type Verdict } from './harness.js';

// Scenario 1: kill -9 of the worker process mid-campaign and mid-workflow. One worker (`npm run
// worker`) delivers a campaign to CAMPAIGN_SIZE contacts while WORKFLOW_SIZE contacts, enrolled
// through /v1/track, wait in TRIGGER → DELAY 1 minute → SEND_EMAIL. The worker is killed twice
// while the campaign is being delivered and once while the workflow emails go out, each time
// restarted. Every recipient must get its email; a second copy is allowed only for emails that
// were SENDING when the worker died (their SMTP handoff may have finished before the kill).

const CAMPAIGN_SIZE = 3000;
const WORKFLOW_SIZE = 300;
const EVENT = 'faults-signed-up';

const campaignRecipient = (i: number) => `c${i}@campaign.faults.test`;
const workflowRecipient = (i: number) => `w${i}@workflow.faults.test`;

async function setUpWorkflow(stack: Stack) {
  const project = await createProject(stack, 'faults-workflow');
  const key = project.secretKey;
  const template = await must(stack, key, 'POST', '/templates', { name: 'Welcome', subject: 'Welcome {{ contact.email }}', body: '<p>Welcome aboard</p>', from: 'hello@faults.test', type: 'TRANSACTIONAL' }, 201);
  const wf = await must(stack, key, 'POST', '/workflows', { name: 'Onboarding', eventName: EVENT }, 201);
  const step = async (type: string, config: object, extra: object = {}) =>
    (await must(stack, key, 'POST', `/workflows/${wf.id}/steps`, { type, name: type, position: { x: 0, y: 0 }, config, autoConnect: false, ...extra }, 201)).id as string;
  const delay = await step('DELAY', { amount: 1, unit: 'minutes' });
  const send = await step('SEND_EMAIL', {}, { templateId: template.id ?? template.data?.id });
  const trigger = wf.steps.find((s: { type: string }) => s.type === 'TRIGGER').id;
  await must(stack, key, 'POST', `/workflows/${wf.id}/transitions`, { fromStepId: trigger, toStepId: delay }, 201);
  await must(stack, key, 'POST', `/workflows/${wf.id}/transitions`, { fromStepId: delay, toStepId: send }, 201);
  await must(stack, key, 'PATCH', `/workflows/${wf.id}`, { enabled: true }, 200);
  // Enrol through the public tracking endpoint, 20 requests at a time; each 200 must be stored.
  for (let i = 0; i < WORKFLOW_SIZE; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, WORKFLOW_SIZE - i) }, (_, j) => must(stack, project.publicKey, 'POST', '/v1/track', { event: EVENT, email: workflowRecipient(i + j), data: { n: i + j } }, 200)),
    );
  }
  return { projectId: project.id, workflowId: wf.id as string };
}

async function setUpCampaign(stack: Stack) {
  const project = await createProject(stack, 'faults-campaign');
  await stack.db.query(
    `insert into contacts (project_id, email, data) select $1, 'c' || g || '@campaign.faults.test', jsonb_build_object('n', g) from generate_series(0, $2 - 1) g`,
    [project.id, CAMPAIGN_SIZE],
  );
  const campaign = await must(stack, project.secretKey, 'POST', '/campaigns', { name: 'Kill test', subject: 'Hello {{ contact.data.n }}', body: '<p>Message</p>', from: 'news@faults.test', type: 'MARKETING', audienceType: 'ALL' }, 201);
  return { projectId: project.id, key: project.secretKey, campaignId: campaign.data.id as string };
}

const delivered = (sink: FaultSink, domain: string) => [...sink.byRecipient.keys()].filter((k) => k.endsWith(domain)).length;

export async function killWorkerScenario(cluster: Cluster): Promise<Verdict> {
  return scoped(async (scope) => {
    const sink = await startFaultSink();
    scope.defer('close sink', () => sink.close());
    const stack = await prepareStack(scope, cluster, 'kill', sink.url, { SEND_RETRY_DELAY_SECONDS: '1' });
    await startApi(scope, stack);
    let worker: Child = await startWorker(scope, stack);
    const wf = await setUpWorkflow(stack);
    const campaign = await setUpCampaign(stack);
    await must(stack, campaign.key, 'POST', `/campaigns/${campaign.campaignId}/send`, {}, 200);
    log(`kill: ${WORKFLOW_SIZE} contacts enrolled (DELAY 1 minute), campaign to ${CAMPAIGN_SIZE} started`);

    const allowed = new Map<string, string>();
    const kills: string[] = [];
    const killAndRestart = async (moment: string) => {
      await sleep(randomInt(0, 500));
      await kill9(worker);
      const sending = new Map([...(await sendingNow(stack, campaign.projectId)), ...(await sendingNow(stack, wf.projectId))]);
      sending.forEach((to, id) => allowed.set(id, to));
      kills.push(`kill ${kills.length + 1} ${moment}: ${sending.size} emails SENDING; campaign ${delivered(sink, 'campaign.faults.test')}/${CAMPAIGN_SIZE}, workflow ${delivered(sink, 'workflow.faults.test')}/${WORKFLOW_SIZE} delivered`);
      log(kills.at(-1));
      await sleep(randomInt(200, 1000));
      worker = await startWorker(scope, stack);
    };
    for (const share of [0.25, 0.6]) {
      await waitUntil(`campaign ${share * 100} % delivered`, async () => delivered(sink, 'campaign.faults.test') >= share * CAMPAIGN_SIZE, { progress: async () => String(sink.total()) });
      await killAndRestart('mid-campaign');
    }
    await waitUntil('workflow emails going out', async () => delivered(sink, 'workflow.faults.test') >= 0.2 * WORKFLOW_SIZE, { stallMs: 120_000, progress: async () => String(sink.total()) });
    await killAndRestart('mid-workflow');

    // Emails the dead worker held come back when pg-boss expires its jobs and their SENDING lease runs out.
    const status = () => emailStatus(stack, [campaign.projectId, wf.projectId]);
    const finished = async () => {
      const [c] = await rows<{ status: string }>(stack, 'select status from campaigns where id = $1', [campaign.campaignId]);
      const [w] = await rows<{ done: number; open: number }>(
        stack,
        `select count(*) filter (where status = 'COMPLETED')::int as done, count(*) filter (where status not in ('COMPLETED','EXITED','FAILED','CANCELLED'))::int as open from workflow_executions where workflow_id = $1`,
        [wf.workflowId],
      );
      const [p] = await rows<{ n: number }>(stack, `select count(*)::int as n from emails where project_id in ($1, $2) and status in ('PENDING','SENDING')`, [campaign.projectId, wf.projectId]);
      return c.status === 'SENT' && w.open === 0 && w.done >= WORKFLOW_SIZE && p.n === 0;
    };
    await waitUntil('campaign SENT and every workflow execution completed', finished, { stallMs: 240_000, progress: status });
    await sleep(500);
    const [executions] = await rows<{ n: number }>(stack, `select count(distinct contact_id)::int as n from workflow_executions where workflow_id = $1`, [wf.workflowId]);
    const expected = [...Array.from({ length: CAMPAIGN_SIZE }, (_, i) => campaignRecipient(i)), ...Array.from({ length: WORKFLOW_SIZE }, (_, i) => workflowRecipient(i))];
    const problems = executions.n === WORKFLOW_SIZE ? [] : [`${executions.n} contacts enrolled instead of ${WORKFLOW_SIZE}`];
    return judge('1. kill -9 of the worker mid-campaign and mid-workflow', sink, expected, allowed, { problems, lines: [...kills, `final email rows: ${await status()}`] });
  });
}
