import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isDnsServer } from './mail/dns.js';
import { mailConfig, mailEnv, mailProblems, type MailConfig } from './config-mail.js';
import { integrationConfig, integrationEnv, type IntegrationConfig } from './config-integrations.js';

// The only module that reads process.env: everything else receives a Config.

const smtpUrl = z
  .string()
  .refine((v) => /^smtps?:\/\//.test(v), 'must start with smtp:// or smtps://')
  .refine((v) => URL.canParse(v), 'must be a valid URL');

const masterKey = z
  .string()
  .refine((v) => decodeMasterKey(v) !== null, 'must be 32 bytes as 64 hex characters or base64');

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const perSecond = z.coerce.number().min(0).max(1_000_000);
const burst = z.coerce.number().int().min(1).max(1_000_000);

const redisUrl = z
  .string()
  .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://')
  .refine((v) => URL.canParse(v), 'must be a valid URL');

const dnsServers = z
  .string()
  .refine((v) => v.split(',').map((s) => s.trim()).filter(Boolean).every(isDnsServer), 'must be comma-separated IP addresses, each optionally with :port ([ipv6]:port)');

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, 'must be a host name');

/** SPF mechanisms other than `all` (e.g. `include:_spf.example.com ip4:192.0.2.1`). */
const spfMechanisms = z
  .string()
  .refine((v) => v.trim().split(/\s+/).every((t) => /^[+~?-]?(a|mx|ptr|include|exists|ip4|ip6)([:/][A-Za-z0-9._:/%{}+=-]+)?$/i.test(t)), 'must be SPF mechanisms such as include:… a:… ip4:… (without all)');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  ...mailEnv,
  SMTP_URL: smtpUrl.optional(),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  MASTER_KEY: masterKey.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  SEND_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  SEND_RATE_PER_SECOND: perSecond.default(0),
  RATE_LIMIT_ENABLED: flag.default(true),
  RATE_LIMIT_TRACK_PER_SECOND: perSecond.default(100),
  RATE_LIMIT_TRACK_BURST: burst.default(200),
  RATE_LIMIT_SEND_PER_SECOND: perSecond.default(20),
  RATE_LIMIT_SEND_BURST: burst.default(50),
  RATE_LIMIT_CONTACTS_PER_SECOND: perSecond.default(50),
  RATE_LIMIT_CONTACTS_BURST: burst.default(100),
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).max(100).default('mailwright:ratelimit'),
  REDIS_URL: redisUrl.optional(),
  DISABLE_SIGNUPS: flag.default(false),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(168),
  LOGIN_RATE_LIMIT_PER_EMAIL: z.coerce.number().int().min(0).max(10_000).default(5),
  LOGIN_RATE_LIMIT_PER_IP: z.coerce.number().int().min(0).max(100_000).default(20),
  LOGIN_RATE_LIMIT_WINDOW: z.coerce.number().int().min(1).max(86_400).default(900),
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(14).max(20).default(17),
  SYSTEM_FROM: z.email().optional(),
  REQUIRE_VERIFIED_DOMAINS: flag.optional(),
  DNS_SERVERS: dnsServers.optional(),
  SPF_INCLUDE: spfMechanisms.optional(),
  MX_HOST: hostname.optional(),
  SMTP_MX_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SMTP_MX_HOST: z.string().min(1).default('0.0.0.0'),
  REPUTATION_BOUNCE_WARN_PERCENT: z.coerce.number().min(0).max(100).default(2),
  REPUTATION_BOUNCE_PAUSE_PERCENT: z.coerce.number().min(0).max(100).default(5),
  REPUTATION_COMPLAINT_WARN_PERCENT: z.coerce.number().min(0).max(100).default(0.1),
  REPUTATION_COMPLAINT_PAUSE_PERCENT: z.coerce.number().min(0).max(100).default(0.3),
  REPUTATION_MIN_SENT: z.coerce.number().int().min(1).max(10_000_000).default(100),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s]+)$/, 'must be true, false, a hop count, or comma-separated proxy IPs/CIDRs')
    .default('false'),
  REQUEST_LOGGING: flag.default(true),
  REQUEST_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  ...integrationEnv,
});

export type RateLimitBucket = 'track' | 'send' | 'contacts:write';
/** perSecond 0 disables the bucket. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; url: string; poolSize: number };

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  database: DatabaseConfig;
  mail: MailConfig;
  /** SES feedback through SNS: topics we accept notifications from (empty refuses all). */
  sns: { topicArns: string[] };
  masterKey: Buffer;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** ratePerSecond: global transport rate shared by every worker process (0 = unlimited). */
  send: { maxAttempts: number; retryDelaySeconds: number; workerConcurrency: number; ratePerSecond: number };
  rateLimit: { enabled: boolean; buckets: Record<RateLimitBucket, BucketLimit>; keyPrefix: string };
  /** When set, rate-limit buckets live in Redis and are shared by every process. */
  redisUrl?: string;
  auth: {
    disableSignups: boolean;
    sessionTtlHours: number;
    /** Failed logins allowed per window; 0 disables that limit. */
    loginPerEmail: number;
    loginPerIp: number;
    loginWindowSeconds: number;
    scryptLogN: number;
    /** Sender of account mail (password resets, invitations). */
    systemFrom: string;
  };
  requestLog: { enabled: boolean; retentionDays: number };
  /** Sending domains (features/domains): whether `from` must be on a verified domain, and the records we ask for. */
  domains: { requireVerified: boolean; spfInclude: string; mxHost: string };
  /** Resolvers used to verify domains, as `ip[:port]`; empty means the system's. */
  dns: { servers: string[] };
  /**
   * Our inbound SMTP listener for bounces, complaints and mailto unsubscribes (off without a port), and
   * the VERP host used when the sender has no verified domain (MX_HOST, else the public URL's host when
   * the listener runs here; none means the From address stays the envelope sender).
   */
  mx: { port?: number; host: string; verpFallbackHost?: string };
  /** Reputation guard thresholds (fractions, 0.02 = 2 %) over a rolling 7 days, from minSent emails up. */
  reputation: { bounceWarn: number; bouncePause: number; complaintWarn: number; complaintPause: number; minSent: number };
  /** Fastify's trustProxy: which X-Forwarded-For hops to believe for the client IP (login throttling, logs). */
  trustProxy: boolean | number | string[];
  outbound: IntegrationConfig['outbound'];
  workflows: IntegrationConfig['workflows'];
  smtpIngress: IntegrationConfig['smtpIngress'];
  webhooks: IntegrationConfig['webhooks'];
}

/** Every environment variable the server reads (tests clear them so the machine's own settings don't leak in). */
export const CONFIG_ENV_NAMES: readonly string[] = Object.keys(envSchema.shape);

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export type Env = Record<string, string | undefined>;

/** Parses the environment once. Throws ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  // Empty strings mean "unset" (common in .env files and compose files).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  problems.push(...mailProblems(e));
  if (e.DATABASE_URL && !e.MASTER_KEY) {
    problems.push('MASTER_KEY: required with DATABASE_URL (32 bytes as hex or base64; e.g. `openssl rand -hex 32`)');
  }
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  const database: DatabaseConfig = e.DATABASE_URL
    ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
    : { kind: 'pglite', dataDir: path.join(dataDir, 'pgdata') };
  const key = e.MASTER_KEY ? decodeMasterKey(e.MASTER_KEY)! : readOrCreateMasterKey(dataDir);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');

  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    dataDir,
    database,
    mail: mailConfig(e),
    sns: { topicArns: e.SNS_TOPIC_ARNS ?? [] },
    masterKey: key,
    logLevel: e.LOG_LEVEL,
    send: {
      maxAttempts: e.SEND_MAX_ATTEMPTS,
      retryDelaySeconds: e.SEND_RETRY_DELAY_SECONDS,
      workerConcurrency: e.WORKER_CONCURRENCY,
      ratePerSecond: e.SEND_RATE_PER_SECOND,
    },
    rateLimit: {
      enabled: e.RATE_LIMIT_ENABLED,
      buckets: {
        track: { perSecond: e.RATE_LIMIT_TRACK_PER_SECOND, burst: e.RATE_LIMIT_TRACK_BURST },
        send: { perSecond: e.RATE_LIMIT_SEND_PER_SECOND, burst: e.RATE_LIMIT_SEND_BURST },
        'contacts:write': { perSecond: e.RATE_LIMIT_CONTACTS_PER_SECOND, burst: e.RATE_LIMIT_CONTACTS_BURST },
      },
      keyPrefix: e.RATE_LIMIT_KEY_PREFIX,
    },
    redisUrl: e.REDIS_URL,
    auth: {
      disableSignups: e.DISABLE_SIGNUPS,
      sessionTtlHours: e.SESSION_TTL_HOURS,
      loginPerEmail: e.LOGIN_RATE_LIMIT_PER_EMAIL,
      loginPerIp: e.LOGIN_RATE_LIMIT_PER_IP,
      loginWindowSeconds: e.LOGIN_RATE_LIMIT_WINDOW,
      scryptLogN: e.PASSWORD_SCRYPT_LOG_N,
      systemFrom: e.SYSTEM_FROM ?? `no-reply@${new URL(publicUrl).hostname}`,
    },
    requestLog: { enabled: e.REQUEST_LOGGING, retentionDays: e.REQUEST_LOG_RETENTION_DAYS },
    domains: {
      // Embedded mode is for trying things out: nobody has DNS for it.
      requireVerified: e.REQUIRE_VERIFIED_DOMAINS ?? database.kind === 'postgres',
      spfInclude: e.SPF_INCLUDE?.trim() ?? `a:${new URL(publicUrl).hostname}`,
      mxHost: (e.MX_HOST ?? new URL(publicUrl).hostname).toLowerCase(),
    },
    dns: { servers: (e.DNS_SERVERS ?? '').split(',').map((s) => s.trim()).filter(Boolean) },
    mx: {
      port: e.SMTP_MX_PORT,
      host: e.SMTP_MX_HOST,
      verpFallbackHost: (e.MX_HOST ?? (e.SMTP_MX_PORT === undefined ? undefined : new URL(publicUrl).hostname))?.toLowerCase(),
    },
    reputation: {
      bounceWarn: e.REPUTATION_BOUNCE_WARN_PERCENT / 100,
      bouncePause: e.REPUTATION_BOUNCE_PAUSE_PERCENT / 100,
      complaintWarn: e.REPUTATION_COMPLAINT_WARN_PERCENT / 100,
      complaintPause: e.REPUTATION_COMPLAINT_PAUSE_PERCENT / 100,
      minSent: e.REPUTATION_MIN_SENT,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    ...integrationConfig(e),
  });
}

function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

function decodeMasterKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const b = Buffer.from(value, 'base64');
  return b.length === 32 ? b : null;
}

/** Embedded mode only: the key lives next to the data it protects, created on first start. */
function readOrCreateMasterKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'master.key');
  if (existsSync(file)) {
    const key = decodeMasterKey(readFileSync(file, 'utf8').trim());
    if (!key) throw new ConfigError([`MASTER_KEY: ${file} is corrupt (expected 64 hex characters)`]);
    return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
