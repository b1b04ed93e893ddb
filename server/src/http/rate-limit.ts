import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { BucketLimit, Config, RateLimitBucket } from '../config.js';
import { AppError } from '../core/errors.js';
import './route-config.js';

// Per-project buckets (spec: plunk-v2-notes §4.3). rate-limiter-flexible counts points in fixed windows, so a
// bucket of `burst` tokens refilling at `perSecond` is modelled as `burst` points per ceil(burst/perSecond)
// seconds: at most `burst` at once, at most `perSecond` sustained, and the window's end is when it is full again.
//
// Redis down (reliability.md open question): we fail open to per-process memory buckets and log an error.
// No request is refused or failed because Redis is unavailable; each process still enforces the limits alone,
// so N processes allow up to N× the limit until Redis is back.

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds to wait before retrying (≥ 1); meaningful when refused. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Takes one token from `<bucket>:<projectId>`; null when limiting is off for that bucket. */
  consume(bucket: RateLimitBucket, projectId: string): Promise<RateDecision | null>;
  close(): Promise<void>;
}

const REDIS_COMMAND_TIMEOUT_MS = 500;
const REDIS_CONNECT_WAIT_MS = 2_000;
const ERROR_LOG_INTERVAL_MS = 10_000;

interface BucketLimiters {
  limit: BucketLimit;
  shared?: RateLimiterAbstract;
  local: RateLimiterAbstract;
}

export async function createRateLimiter(config: Pick<Config, 'rateLimit' | 'redisUrl'>, log: Logger): Promise<RateLimiter> {
  const { enabled, buckets, keyPrefix } = config.rateLimit;
  let lastErrorLog = 0;
  const logStoreError = (err: unknown) => {
    if (Date.now() - lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    lastErrorLog = Date.now();
    log.error({ err }, 'rate limiter: Redis unavailable; enforcing limits per process until it is back');
  };
  const redis = enabled && config.redisUrl ? await connectRedis(config.redisUrl, logStoreError) : undefined;

  const limiters = new Map<RateLimitBucket, BucketLimiters>();
  for (const [bucket, limit] of Object.entries(buckets) as [RateLimitBucket, BucketLimit][]) {
    if (!enabled || limit.perSecond <= 0) continue;
    const opts = { points: limit.burst, duration: Math.max(1, Math.ceil(limit.burst / limit.perSecond)), keyPrefix: `${keyPrefix}:${bucket}` };
    limiters.set(bucket, {
      limit,
      local: new RateLimiterMemory(opts),
      shared: redis && new RateLimiterRedis({ ...opts, storeClient: redis, rejectIfRedisNotReady: true }),
    });
  }

  async function take(l: BucketLimiters, key: string): Promise<RateLimiterRes> {
    if (l.shared) {
      try {
        return await l.shared.consume(key);
      } catch (err) {
        if (err instanceof RateLimiterRes) throw err;
        logStoreError(err);
      }
    }
    return l.local.consume(key);
  }

  return {
    async consume(bucket, projectId) {
      const l = limiters.get(bucket);
      if (!l) return null;
      let res: RateLimiterRes;
      let allowed = true;
      try {
        res = await take(l, projectId);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        res = err;
        allowed = false;
      }
      const seconds = Math.ceil(Math.max(0, res.msBeforeNext) / 1000);
      return {
        allowed,
        limit: l.limit.burst,
        remaining: Math.max(0, Math.floor(res.remainingPoints)),
        resetSeconds: seconds,
        retryAfterSeconds: Math.max(1, seconds),
      };
    },
    async close() {
      if (!redis) return;
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/** Connects, waiting briefly so the first requests use the shared buckets; an unreachable Redis is not fatal. */
async function connectRedis(url: string, onError: (err: unknown) => void): Promise<Redis> {
  const redis = new Redis(url, {
    // Fail fast instead of queueing commands while disconnected: the limiter then falls back to memory.
    enableOfflineQueue: false,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
  });
  redis.on('error', onError);
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      redis.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, REDIS_CONNECT_WAIT_MS);
    redis.once('ready', done);
    redis.once('error', done);
  });
  return redis;
}

export function rateLimitMessage(limit: BucketLimit, retryAfterSeconds: number): string {
  return `Rate limit exceeded for this endpoint (${limit.perSecond}/second sustained, ${limit.burst} burst). Retry in ${retryAfterSeconds}s.`;
}

/**
 * App-level preParsing runs after every onRequest hook, route-level ones included, so the route's auth has
 * set `request.auth` by now. Routes opt in with `config: { rateLimitBucket }`; requests without a project pass.
 */
export function registerRateLimit(app: FastifyInstance, limiter: RateLimiter, buckets: Record<RateLimitBucket, BucketLimit>) {
  app.addHook('preParsing', async (request, reply, payload) => {
    const bucket = request.routeOptions.config.rateLimitBucket;
    const projectId = request.auth?.project?.id;
    if (!bucket || !projectId) return payload;
    const decision = await limiter.consume(bucket, projectId);
    if (!decision) return payload;
    reply.header('RateLimit-Limit', String(decision.limit));
    reply.header('RateLimit-Remaining', String(decision.remaining));
    reply.header('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      reply.header('Retry-After', String(decision.retryAfterSeconds));
      throw new AppError('RATE_LIMIT_EXCEEDED', rateLimitMessage(buckets[bucket], decision.retryAfterSeconds), {
        retryAfter: decision.retryAfterSeconds,
      });
    }
    return payload;
  });
}
