import type { Logger } from 'pino';
import { systemClock, type Clock } from './core/clock.js';
import type { Config } from './config.js';
import { migrateDatabase, openDatabase, type Database, type Db, type OpenOptions } from './db/client.js';
import { storeInInbox } from './features/emails/emails.service.js';
import { createRateLimiter, type RateLimiter } from './http/rate-limit.js';
import { createJobQueue, type JobQueue } from './jobs/queue.js';
import { createDnsResolver, type DnsResolver } from './mail/dns.js';
import { createSnsFetcher, type SnsFetcher } from './features/sns/sns-fetcher.js';
import { createFailoverTransport } from './mail/failover.js';
import { createInboxTransport } from './mail/inbox.js';
import { createSesTransport } from './mail/ses.js';
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
  /** Certificate and SubscribeURL fetches for the SNS webhook. */
  snsFetcher: SnsFetcher;
  /** Domain verification lookups (DNS_SERVERS). */
  dns: DnsResolver;
}

export interface ContainerOverrides {
  database?: Database;
  open?: OpenOptions;
  transport?: Transport;
  clock?: Clock;
  dns?: DnsResolver;
  snsFetcher?: SnsFetcher;
}

export async function createContainer(config: Config, log: Logger, overrides: ContainerOverrides = {}): Promise<AppDeps> {
  const database = overrides.database ?? (await openDatabase(config.database, overrides.open));
  await migrateDatabase(database);
  const queue = createJobQueue(database, log);
  await queue.start();
  const clock = overrides.clock ?? systemClock;
  const transport = overrides.transport ?? createTransport(config, database, clock, log);
  const rateLimiter = await createRateLimiter(config, log);
  return {
    config,
    database,
    db: database.db,
    queue,
    transport,
    clock,
    log,
    masterKey: config.masterKey,
    send: config.send,
    rateLimiter,
    snsFetcher: overrides.snsFetcher ?? createSnsFetcher(),
    dns: overrides.dns ?? createDnsResolver(config.dns.servers),
  };
}

/** MAIL_TRANSPORT: one transport, or an ordered list wrapped in failover. */
function createTransport(config: Config, database: Database, clock: Clock, log: Logger): Transport {
  const { mail } = config;
  const make = (name: Config['mail']['transport']): Transport =>
    name === 'smtp'
      ? createSmtpTransport(mail.smtpUrl!, mail.smtpPoolSize)
      : name === 'ses'
        ? createSesTransport(mail.ses!)
        : createInboxTransport(storeInInbox(database.db));
  const transports = mail.transports.map(make);
  if (transports.length === 1) return transports[0];
  const now = () => clock.now().getTime();
  return createFailoverTransport(transports, { failAfter: mail.failoverAfter, recoverySeconds: mail.recoverySeconds, now, log });
}

export async function closeContainer(deps: AppDeps, opts: { graceful?: boolean; timeoutMs?: number } = {}) {
  await deps.queue.stop(opts);
  await deps.transport.close();
  await deps.rateLimiter.close();
  await deps.database.close();
}
