import { scoped } from '../../../bench/lib.js';
import type { Cluster } from './cluster.js';
import { startFaultSink } from './fault-sink.js';
import { createProject, emailStatus, judge, log, must, prepareStack, rows, sleep, startApi, startWorker, waitUntil, type Verdict } from './harness.js';

// Scenario 3: the receiving SMTP server misbehaves for a while — connections dropped at connect and
// mid-session, 421 at the greeting, 451 to RCPT TO and after the data — then recovers. Every email
// accepted by /v1/send and every campaign email must arrive exactly once: no worker dies here, so
// no duplicate is allowed, and none may end FAILED.

const SENDS = 200;
const CAMPAIGN_SIZE = 300;
const FAULT_SECONDS = 8;

export async function smtpFaultsScenario(cluster: Cluster): Promise<Verdict> {
  return scoped(async (scope) => {
    const sink = await startFaultSink();
    scope.defer('close sink', () => sink.close());
    // Retries 1 s, 2 s, 4 s, … apart; ten attempts outlast the fault window many times over.
    const stack = await prepareStack(scope, cluster, 'smtp', sink.url, { SEND_RETRY_DELAY_SECONDS: '1', SEND_MAX_ATTEMPTS: '10' });
    await startApi(scope, stack);
    await startWorker(scope, stack);
    const project = await createProject(stack, 'faults-smtp');
    await stack.db.query(`insert into contacts (project_id, email) select $1, 'c' || g || '@smtp-campaign.faults.test' from generate_series(0, $2 - 1) g`, [project.id, CAMPAIGN_SIZE]);
    const campaign = await must(stack, project.secretKey, 'POST', '/campaigns', { name: 'SMTP faults', subject: 'Hello', body: '<p>Hi</p>', from: 'news@faults.test', type: 'MARKETING', audienceType: 'ALL' }, 201);

    sink.faulty = true;
    const faultsFrom = Date.now();
    log(`smtp: receiver failing for ${FAULT_SECONDS} s while ${SENDS} sends and a ${CAMPAIGN_SIZE}-recipient campaign go out`);
    await must(stack, project.secretKey, 'POST', `/campaigns/${campaign.data.id}/send`, {}, 200);
    const sent: string[] = [];
    for (let i = 0; i < SENDS; i += 20) {
      const batch = Array.from({ length: Math.min(20, SENDS - i) }, (_, j) => `s${i + j}@smtp.faults.test`);
      await Promise.all(batch.map((to) => must(stack, project.secretKey, 'POST', '/v1/send', { to, from: 'app@faults.test', subject: 'Receipt', body: '<p>Thanks</p>' }, 200)));
      sent.push(...batch);
    }
    await sleep(Math.max(0, faultsFrom + FAULT_SECONDS * 1000 - Date.now()));
    sink.faulty = false;
    const refusedTotal = Object.values(sink.refusals).reduce((a, b) => a + b, 0);
    log(`smtp: receiver healthy again; ${refusedTotal} attempts refused so far, ${sink.total()} messages accepted`);

    const status = () => emailStatus(stack, [project.id]);
    await waitUntil(
      'every email settled',
      async () => (await rows<{ n: number }>(stack, `select count(*)::int as n from emails where project_id = $1 and status in ('PENDING','SENDING')`, [project.id]))[0].n === 0 && (await rows(stack, 'select 1 from emails where project_id = $1', [project.id])).length >= SENDS + CAMPAIGN_SIZE,
      { stallMs: 120_000, progress: status },
    );
    await sleep(500);
    const [attempts] = await rows<{ max: number; retried: number }>(stack, 'select max(attempts)::int as max, count(*) filter (where attempts > 1)::int as retried from emails where project_id = $1', [project.id]);
    const failed = await rows<{ to_email: string; status_reason: string }>(stack, `select to_email, status_reason from emails where project_id = $1 and status <> 'SENT'`, [project.id]);
    const expected = [...sent, ...Array.from({ length: CAMPAIGN_SIZE }, (_, i) => `c${i}@smtp-campaign.faults.test`)];
    return judge('3. SMTP receiver dropping connections and answering 421/451', sink, expected, new Map(), {
      fault: 'at a kill (none here)',
      problems: failed.length ? [`${failed.length} emails not SENT, e.g. ${failed[0].to_email}: ${failed[0].status_reason}`] : [],
      lines: [
        `refused attempts: ${Object.entries(sink.refusals).map(([k, v]) => `${k} ${v}`).join(', ')}`,
        `emails retried: ${attempts.retried}, most attempts for one email: ${attempts.max}; final rows: ${await status()}`,
      ],
    });
  });
}
