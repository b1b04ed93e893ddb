import { scoped, type Child } from '../../../bench/lib.js';
import type { Cluster } from './cluster.js';
import { startFaultSink } from './fault-sink.js';
import { createProject, emailStatus, exited, judge, log, must, prepareStack, rows, sleep, startApi, startWorker, waitUntil, type Verdict } from './harness.js';
import { missingAcknowledged, startLoad, statusCounts } from './load.js';

// Scenario 4: SIGTERM to the API and the worker while /v1/send and /v1/track traffic comes in and a
// campaign is being delivered. The API must answer the requests it already has and exit 0; the
// worker must finish (or hand back) the jobs it holds and exit 0; both within 25 s. Nothing
// acknowledged may be lost: after a restart every acknowledged send and the whole campaign arrive,
// and since nothing was killed, no duplicate is allowed.

const CAMPAIGN_SIZE = 1500;
const DRAIN_LIMIT_MS = 25_000;
// A request the client wrote onto a kept-alive connection in the last moments before the signal may
// not have reached the server when it closed its idle connections (the keep-alive race every HTTP
// server has; clients retry). Requests started earlier than this before SIGTERM were in flight.
const RACE_MS = 250;

async function terminate(child: Child) {
  const t0 = performance.now();
  child.proc.kill('SIGTERM');
  const { code, signal } = await Promise.race([exited(child), sleep(DRAIN_LIMIT_MS + 5000).then(() => ({ code: null, signal: 'still running' as const }))]);
  return { code, signal, ms: performance.now() - t0 };
}

export async function sigtermScenario(cluster: Cluster): Promise<Verdict> {
  return scoped(async (scope) => {
    const sink = await startFaultSink();
    scope.defer('close sink', () => sink.close());
    const stack = await prepareStack(scope, cluster, 'sigterm', sink.url);
    const api = await startApi(scope, stack);
    const worker = await startWorker(scope, stack);
    const project = await createProject(stack, 'faults-sigterm');
    await stack.db.query(`insert into contacts (project_id, email) select $1, 'c' || g || '@sigterm-campaign.faults.test' from generate_series(0, $2 - 1) g`, [project.id, CAMPAIGN_SIZE]);
    const campaign = await must(stack, project.secretKey, 'POST', '/campaigns', { name: 'SIGTERM', subject: 'Hello', body: '<p>Hi</p>', from: 'news@faults.test', type: 'MARKETING', audienceType: 'ALL' }, 201);
    await must(stack, project.secretKey, 'POST', `/campaigns/${campaign.data.id}/send`, {}, 200);

    const load = startLoad(stack, project, { clients: 12, tag: 'sigterm' });
    await waitUntil('campaign under way', async () => sink.total() >= CAMPAIGN_SIZE * 0.2, { progress: async () => String(sink.total()) });
    const termAt = performance.now();
    const inFlight = load.records.filter((r) => r.endedAt === 0).length;
    log(`sigterm: SIGTERM to the API (${inFlight} requests in flight) and the worker (${sink.total()} messages delivered so far)`);
    const [apiExit, workerExit] = await Promise.all([terminate(api), terminate(worker)]);
    await load.stop();
    const leftSending = await rows<{ id: string; to_email: string }>(stack, `select id, to_email from emails where project_id = $1 and status = 'SENDING'`, [project.id]);
    log(`sigterm: API exited ${apiExit.code ?? apiExit.signal} after ${(apiExit.ms / 1000).toFixed(1)} s, worker ${workerExit.code ?? workerExit.signal} after ${(workerExit.ms / 1000).toFixed(1)} s`);

    const problems: string[] = [];
    for (const [name, e] of [['API', apiExit], ['worker', workerExit]] as const) {
      if (e.code !== 0 || e.ms > DRAIN_LIMIT_MS) problems.push(`${name} exited with ${e.code ?? e.signal} after ${(e.ms / 1000).toFixed(1)} s (want 0 within ${DRAIN_LIMIT_MS / 1000} s)`);
    }
    // Requests the API had already received must all get an answer (not a reset connection).
    const before = load.records.filter((r) => r.startedAt < termAt - RACE_MS);
    const dropped = before.filter((r) => r.status === null);
    if (dropped.length) problems.push(`${dropped.length} requests in flight at SIGTERM got no answer (${statusCounts(dropped)})`);
    const racing = load.records.filter((r) => r.startedAt >= termAt - RACE_MS && r.startedAt < termAt);
    if (leftSending.length) problems.push(`the stopped worker left ${leftSending.length} emails SENDING (e.g. ${leftSending[0].to_email})`);

    // Restart both; everything acknowledged before the stop must now be stored and delivered.
    await startApi(scope, stack, 'api (restarted)');
    await startWorker(scope, stack, 'worker (restarted)');
    const missing = await missingAcknowledged(stack, project.id, load.records);
    if (missing.length) problems.push(`${missing.length} acknowledged requests not stored, e.g. ${missing.slice(0, 3).join(', ')}`);
    const ackedSends = load.records.filter((r) => r.kind === 'send' && r.status === 200).map((r) => r.email);
    await waitUntil(
      'campaign SENT and every acknowledged send delivered',
      async () =>
        (await rows<{ status: string }>(stack, 'select status from campaigns where id = $1', [campaign.data.id]))[0].status === 'SENT' &&
        (await rows<{ n: number }>(stack, `select count(*)::int as n from emails where project_id = $1 and status in ('PENDING','SENDING')`, [project.id]))[0].n === 0,
      { stallMs: 240_000, progress: async () => String(sink.total()) },
    );
    await sleep(500);
    const expected = [...ackedSends, ...Array.from({ length: CAMPAIGN_SIZE }, (_, i) => `c${i}@sigterm-campaign.faults.test`)];
    // Left SENDING by a worker that stopped before finishing: the same allowance as a kill.
    const allowed = new Map(leftSending.map((r) => [r.id, r.to_email.toLowerCase()]));
    return judge('4. SIGTERM under load drains requests and jobs', sink, expected, allowed, {
      problems,
      fault: 'when the worker stopped',
      mayArrive: new Set(load.records.filter((r) => r.kind === 'send' && r.status !== 200).map((r) => r.email)),
      lines: [
        `API exit ${apiExit.code ?? apiExit.signal} in ${(apiExit.ms / 1000).toFixed(1)} s; worker exit ${workerExit.code ?? workerExit.signal} in ${(workerExit.ms / 1000).toFixed(1)} s`,
        `requests in flight at SIGTERM: ${inFlight}; answers to requests started more than ${RACE_MS} ms before it: ${statusCounts(before)}`,
        `started in the last ${RACE_MS} ms before it: ${statusCounts(racing) || 'none'}`,
        `requests started after it: ${statusCounts(load.records.filter((r) => r.startedAt >= termAt))}`,
        `final email rows: ${await emailStatus(stack, [project.id])}`,
      ],
    });
  });
}
