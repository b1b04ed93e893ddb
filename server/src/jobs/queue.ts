import { sql } from 'drizzle-orm';
import { fromDrizzle, fromPglite, PgBoss, type InsertOptions, type SendOptions, type WorkOptions } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database, Executor } from '../db/client.js';
import { JOBS, type JobName, type JobPayloads } from './catalog.js';

export interface EnqueueOptions {
  /** Run inside this transaction so the job commits (or rolls back) with the caller's rows. */
  tx?: Executor;
  startAfterSeconds?: number;
  priority?: number;
}

/** pg-boss on the application database: jobs live next to the rows they act on. */
export interface JobQueue {
  start(): Promise<void>;
  stop(opts?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
  enqueue<N extends JobName>(name: N, data: JobPayloads[N], opts?: EnqueueOptions): Promise<void>;
  /** Many jobs of one queue in a single statement (a campaign fan-out batch enqueues 500 at once). */
  enqueueMany<N extends JobName>(name: N, data: JobPayloads[N][], opts?: Pick<EnqueueOptions, 'tx' | 'priority'>): Promise<void>;
  work<N extends JobName>(
    name: N,
    opts: { batchSize: number; concurrency?: number },
    handler: (payloads: JobPayloads[N][]) => Promise<void>,
  ): Promise<void>;
  /** Installs the cron schedules of the catalogue (idempotent; pg-boss runs each tick once). */
  scheduleMaintenance(): Promise<void>;
  /** Re-reads the planner statistics of the job table, after a burst of enqueues (see campaign fan-out). */
  refreshStatistics(): Promise<void>;
  healthy(): boolean;
}

// Expired and heartbeat-less jobs are only failed (and retried) by the supervisor's pass; pg-boss' 60 s
// default would add up to a minute to the recovery of a killed worker's jobs.
const SUPERVISION = { superviseIntervalSeconds: 15, monitorIntervalSeconds: 15 };

export function createJobQueue(database: Database, log?: Logger): JobQueue {
  const boss = new PgBoss(
    database.kind === 'pglite'
      ? { db: fromPglite(database.pglite! as never), backend: 'pglite', useListenNotify: true, ...SUPERVISION }
      : { connectionString: database.url!, max: 4, useListenNotify: true, ...SUPERVISION },
  );
  let running = false;
  let lastError: Error | null = null;
  boss.on('error', (err) => {
    lastError = err;
    log?.error({ err }, 'job queue error');
  });

  return {
    async start() {
      await boss.start();
      for (const [name, def] of Object.entries(JOBS)) {
        await boss.createQueue(name, { ...def.queue, notify: true } as never);
        // createQueue leaves an existing queue as it was: apply the catalogue's current settings (retries,
        // expiry, heartbeat) to databases created by an older version too.
        await boss.updateQueue(name, def.queue as never);
      }
      running = true;
    },
    async stop({ graceful = true, timeoutMs = 20_000 } = {}) {
      if (!running) return;
      running = false;
      await boss.stop({ graceful, timeout: timeoutMs, close: true });
    },
    async enqueue(name, data, opts = {}) {
      const options: SendOptions = {};
      if (opts.tx) options.db = fromDrizzle(opts.tx as never, sql as never);
      if (opts.startAfterSeconds) options.startAfter = opts.startAfterSeconds;
      if (opts.priority !== undefined) options.priority = opts.priority;
      await boss.send(name, data as object, options);
    },
    async enqueueMany(name, data, opts = {}) {
      if (!data.length) return;
      const options: InsertOptions = {};
      if (opts.tx) options.db = fromDrizzle(opts.tx as never, sql as never);
      const priority = opts.priority === undefined ? {} : { priority: opts.priority };
      await boss.insert(name, data.map((d) => ({ data: d as object, ...priority })), options);
    },
    async work(name, opts, handler) {
      const workOpts: WorkOptions = {
        batchSize: opts.batchSize,
        localConcurrency: opts.concurrency ?? 1,
        pollingIntervalSeconds: 1,
        notifyPollingIntervalSeconds: 5,
        burstWhenBatchFull: true,
      };
      await boss.work(name, workOpts, async (jobs) => handler(jobs.map((j) => j.data as JobPayloads[typeof name])));
    },
    async scheduleMaintenance() {
      for (const [name, def] of Object.entries(JOBS)) {
        if (def.cron) await boss.schedule(name, def.cron);
      }
    },
    async refreshStatistics() {
      // Best effort: fresher statistics only make fetches cheaper, so a refresh that would wait behind
      // another ANALYZE or a vacuum of the table gives up instead of holding up the caller.
      try {
        await database.db.transaction(async (tx) => {
          await tx.execute(sql`set local lock_timeout = '1s'`);
          // Partitioned: ANALYZE of the parent also analyzes each queue's partition.
          await tx.execute(sql`analyze pgboss.job`);
        });
      } catch (err) {
        log?.warn({ err }, 'could not refresh the job table statistics');
      }
    },
    healthy() {
      return running && (lastError === null || !isConnectionError(lastError));
    },
  };
}

function isConnectionError(err: Error): boolean {
  return /ECONNREFUSED|ECONNRESET|terminat|Connection/i.test(err.message);
}
