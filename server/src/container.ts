import type { Logger } from 'pino';
import { systemClock, type Clock } from './core/clock.js';
import type { Config } from './config.js';
import { migrateDatabase, openDatabase, type Database, type Db, type OpenOptions } from './db/client.js';
import { storeInInbox } from './features/emails/emails.service.js';
import { createRateLimiter, type RateLimiter } from './http/rate-limit.js';
import { createJobQueue, type JobQueue } from './jobs/queue.js';
import { createInboxTransport } from './mail/inbox.js';
import { createSmtpTransport } from './mail/smtp.js';
import type { Transport } from './mail/transport.js';

/** Everything a route, service or job needs, built once from Config. Tests swap parts through overrides. */
export interface AppDeps {
  config: Config;
  database: Database;
  db: Db;
  queue: JobQueue;
  transport: Transport;
  clock: Clock;
  log: Logger;
  masterKey: Buffer;
  send: Config['send'];
  rateLimiter: RateLimiter;
}

export interface ContainerOverrides {
  database?: Database;
  open?: OpenOptions;
  transport?: Transport;
  clock?: Clock;
}

export async function createContainer(config: Config, log: Logger, overrides: ContainerOverrides = {}): Promise<AppDeps> {
  const database = overrides.database ?? (await openDatabase(config.database, overrides.open));
  await migrateDatabase(database);
  const queue = createJobQueue(database, log);
  await queue.start();
  const transport =
    overrides.transport ??
    (config.mail.transport === 'smtp'
      ? createSmtpTransport(config.mail.smtpUrl!, config.mail.smtpPoolSize)
      : createInboxTransport(storeInInbox(database.db)));
  const rateLimiter = await createRateLimiter(config, log);
  return {
    config,
    database,
    db: database.db,
    queue,
    transport,
    clock: overrides.clock ?? systemClock,
    log,
    masterKey: config.masterKey,
    send: config.send,
    rateLimiter,
  };
}

export async function closeContainer(deps: AppDeps, opts: { graceful?: boolean; timeoutMs?: number } = {}) {
  await deps.queue.stop(opts);
  await deps.transport.close();
  await deps.rateLimiter.close();
  await deps.database.close();
}
