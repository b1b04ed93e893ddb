import type { Logger } from 'pino';
import type { Config } from '../../../config.js';
import type { Clock } from '../../../core/clock.js';
import type { Db } from '../../../db/client.js';
import type { JobQueue } from '../../../jobs/queue.js';
import type { DnsResolver } from '../../../mail/dns.js';

/** What the workflow engine needs from the container (AppDeps satisfies it). */
export interface EngineDeps {
  db: Db;
  queue: JobQueue;
  /** Every engine timestamp (resume times, step start/end) comes from here, so tests can move time. */
  clock: Clock;
  log: Logger;
  config: Config;
  /** WEBHOOK steps resolve host names through it (SSRF guard). */
  dns: DnsResolver;
  /** Signs the hosted-page links in template data. */
  masterKey: Buffer;
}
