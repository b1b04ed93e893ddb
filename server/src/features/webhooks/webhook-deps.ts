import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../db/client.js';
import type { DnsResolver } from '../../mail/dns.js';

/** What outbound webhooks need from the container (AppDeps satisfies it). */
export interface WebhookDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  /** webhooks.timeoutMs and outbound.allowlist. */
  config: Pick<Config, 'webhooks' | 'outbound'>;
  /** Host names of endpoints resolve through it (SSRF guard). */
  dns: Pick<DnsResolver, 'resolve4' | 'resolve6'>;
  /** Encrypts the signing secrets; signs list cursors. */
  masterKey: Buffer;
}
