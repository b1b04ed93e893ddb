import { scoped } from '../../../bench/lib.js';
import type { Cluster } from './cluster.js';
import { startFaultSink } from './fault-sink.js';
import { createProject, emailStatus, judge, log, prepareStack, rows, sendingNow, sleep, startApi, startWorker, waitUntil, type Verdict } from './harness.js';
import { missingAcknowledged, startLoad, statusCounts, type RequestRecord } from './load.js';

// Scenario 2: PostgreSQL stopped and started again (pg_ctl stop -m fast, a few seconds down, start)
// while /v1/send and /v1/track traffic comes in. While it is down the API must answer quickly with
// 503 SERVICE_UNAVAILABLE in our error body (code, message, requestId); afterwards the same API and
// worker processes, never restarted, must serve and deliver again. Every 200 must be stored, and
// every acknowledged send delivered. A second copy is allowed only for emails SENDING when the
// database went away (the worker may have handed one over and then failed to record it).

const DOWN_MS = 6000;
// Far below the 5 s connect timeout and any client's patience; generous because a loaded 2-core box
// also delays the load generator itself.
const QUICK_MS = 3000;

export async function pgRestartScenario(cluster: Cluster): Promise<Verdict> {
  return scoped(async (scope) => {
    const sink = await startFaultSink();
    scope.defer('close sink', () => sink.close());
    const stack = await prepareStack(scope, cluster, 'pgrestart', sink.url, { SEND_RETRY_DELAY_SECONDS: '1' });
    await startApi(scope, stack);
    await startWorker(scope, stack);
    const project = await createProject(stack, 'faults-pg-restart');

    const load = startLoad(stack, project, { clients: 8, tag: 'pgrestart', timeoutMs: 10_000 });
    await sleep(4000);
    const allowed = await sendingNow(stack, project.id);
    const stopAt = performance.now();
    await cluster.stop();
    const downAt = performance.now();
    log(`pg-restart: PostgreSQL stopped after ${load.records.length} requests (stop took ${((downAt - stopAt) / 1000).toFixed(1)} s)`);
    await sleep(DOWN_MS);
    const startAt = performance.now();
    await cluster.start();
    const upAt = performance.now();
    for (const [id, to] of await sendingNow(stack, project.id)) allowed.set(id, to);
    log(`pg-restart: PostgreSQL up again after ${((upAt - downAt) / 1000).toFixed(1)} s down`);

    // Processing resumes without restarting anything: wait for the first 200s after the restart.
    const after = (r: RequestRecord) => r.startedAt > upAt;
    await waitUntil('API answering 200 again', async () => load.records.filter((r) => after(r) && r.status === 200).length >= 20, { timeoutMs: 30_000 });
    const resumedMs = Math.min(...load.records.filter((r) => after(r) && r.status === 200).map((r) => r.endedAt)) - upAt;
    await sleep(2000);
    await load.stop();

    const problems: string[] = [];
    // Fully inside the outage: neither started before the stop finished nor ended after the start began.
    const down = load.records.filter((r) => r.startedAt > downAt && r.endedAt < startAt);
    const wrong = down.filter((r) => r.status !== 503 || r.code !== 'SERVICE_UNAVAILABLE' || !r.requestId);
    const slow = down.filter((r) => r.endedAt - r.startedAt > QUICK_MS);
    const times = down.map((r) => r.endedAt - r.startedAt).sort((a, b) => a - b);
    const slowest = times.at(-1) ?? 0;
    const median = times[Math.floor(times.length / 2)] ?? 0;
    if (down.length < 10) problems.push(`only ${down.length} requests fell inside the outage`);
    if (wrong.length) problems.push(`${wrong.length} requests during the outage were not 503 SERVICE_UNAVAILABLE with a requestId (${statusCounts(wrong)})`);
    if (slow.length) problems.push(`${slow.length} answers during the outage took longer than ${QUICK_MS} ms`);
    const afterErrors = load.records.filter((r) => r.startedAt > upAt + resumedMs && r.status !== 200);
    if (afterErrors.length) problems.push(`${afterErrors.length} requests failed after processing resumed (${statusCounts(afterErrors)})`);
    const missing = await missingAcknowledged(stack, project.id, load.records);
    if (missing.length) problems.push(`${missing.length} acknowledged requests not stored, e.g. ${missing.slice(0, 3).join(', ')}`);

    // Emails held across the outage come back once pg-boss hands their jobs back and the lease runs out.
    const ackedSends = load.records.filter((r) => r.kind === 'send' && r.status === 200).map((r) => r.email);
    const status = () => emailStatus(stack, [project.id]);
    await waitUntil(
      'every acknowledged send delivered',
      async () => ackedSends.every((e) => sink.byRecipient.has(e)) && (await rows<{ n: number }>(stack, `select count(*)::int as n from emails where project_id = $1 and status in ('PENDING','SENDING')`, [project.id]))[0].n === 0,
      { stallMs: 240_000, progress: status },
    );
    await sleep(500);
    return judge('2. PostgreSQL restarted under /v1/send and /v1/track load', sink, ackedSends, allowed, {
      problems,
      fault: 'when PostgreSQL stopped',
      mayArrive: new Set(load.records.filter((r) => r.kind === 'send' && r.status !== 200).map((r) => r.email)),
      lines: [
        `requests: ${load.records.length} (${statusCounts(load.records)})`,
        `during the outage (${((startAt - downAt) / 1000).toFixed(1)} s): ${down.length} requests, ${statusCounts(down)}; median answer ${median.toFixed(0)} ms, slowest ${slowest.toFixed(0)} ms`,
        `first 200 after the restart: ${(resumedMs / 1000).toFixed(1)} s; acknowledged: ${ackedSends.length} sends, ${load.records.filter((r) => r.kind === 'track' && r.status === 200).length} tracks, all stored: ${missing.length === 0}`,
        `final email rows: ${await status()}`,
      ],
    });
  });
}
