import type { Db } from '../../db/client.js';
import type { EmailSourceType } from '../../db/schema/index.js';
import { ensureRateBucket, takeRateTokens } from './send-rate.queries.js';

// The global transport rate (SEND_RATE_PER_SECOND): one token bucket row in `rate_buckets`, shared by
// every worker process through the database. Each process runs one small "pump" that asks for as many
// tokens as it has emails waiting, in one atomic UPDATE, and hands them out locally — so the cost is one
// statement per round, not one per email, and there is no polling while nothing waits.
//
// Priority: pg-boss priorities decide which job a worker takes next; here, campaign mail may only take a
// token while `reserve` tokens stay in the bucket, so transactional (and workflow) mail arriving during a
// big campaign finds a token at once instead of queueing behind it.

const BUCKET_KEY = 'transport:global';
const MIN_SLEEP_MS = 10;
const MAX_SLEEP_MS = 1000;

export type RateClass = 'priority' | 'bulk';

export const rateClassOf = (sourceType: EmailSourceType): RateClass => (sourceType === 'CAMPAIGN' ? 'bulk' : 'priority');

/** One second's worth of tokens, of which a fifth (at least one, when there are two) is kept for priority mail. */
export function bucketShape(ratePerSecond: number): { burst: number; reserve: number } {
  const burst = Math.max(1, Math.ceil(ratePerSecond));
  return { burst, reserve: burst >= 2 ? Math.max(1, Math.floor(burst / 5)) : 0 };
}

/**
 * Delivery concurrency per worker process. With a rate limit, each of the `email.send` worker loops holds
 * a batch of 20 claimed emails, so fewer loops keep the wait for a token short (about two seconds' worth
 * of tokens in hand per process), well inside the SENDING lease, and let a transactional job be fetched
 * soon after it is queued.
 */
export function deliveryConcurrency(configured: number, ratePerSecond: number): number {
  if (ratePerSecond <= 0) return configured;
  return Math.min(configured, Math.max(1, Math.ceil(ratePerSecond / 10)));
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

class TokenPump {
  private readonly waiting: Record<RateClass, Waiter[]> = { priority: [], bulk: [] };
  private running = false;
  private ensured = false;
  private readonly shape: { burst: number; reserve: number };

  constructor(
    private readonly db: Db,
    private readonly rate: number,
  ) {
    this.shape = bucketShape(rate);
  }

  take(cls: RateClass): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting[cls].push({ resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run() {
    this.running = true;
    try {
      while (this.waiting.priority.length || this.waiting.bulk.length) {
        if (!this.ensured) {
          await ensureRateBucket(this.db, BUCKET_KEY, this.shape.burst);
          this.ensured = true;
        }
        const grant = await takeRateTokens(this.db, BUCKET_KEY, {
          ratePerSecond: this.rate,
          ...this.shape,
          wantPriority: this.waiting.priority.length,
          wantBulk: this.waiting.bulk.length,
        });
        if (!grant) {
          this.ensured = false; // the row was removed: recreate it
          continue;
        }
        for (const w of this.waiting.priority.splice(0, grant.priority)) w.resolve();
        for (const w of this.waiting.bulk.splice(0, grant.bulk)) w.resolve();
        if (this.waiting.priority.length || this.waiting.bulk.length) await sleep(this.nextTokenInMs(grant.tokens));
      }
    } catch (err) {
      for (const w of [...this.waiting.priority.splice(0), ...this.waiting.bulk.splice(0)]) w.reject(err);
    } finally {
      this.running = false;
    }
  }

  /** When the next token our first waiter may take should be there (other processes may take it first). */
  private nextTokenInMs(tokens: number): number {
    const need = this.waiting.priority.length ? 1 : 1 + this.shape.reserve;
    const ms = ((need - tokens) / this.rate) * 1000;
    return Math.min(MAX_SLEEP_MS, Math.max(MIN_SLEEP_MS, Math.ceil(ms)));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const pumps = new WeakMap<Db, TokenPump>();

/**
 * Waits for a transport token; resolves at once when no rate is configured (0). Called by the delivery
 * worker right before it hands a message to the transport. Rejects if the database fails.
 */
export function takeSendToken(db: Db, ratePerSecond: number | undefined, cls: RateClass): Promise<void> {
  if (!ratePerSecond || ratePerSecond <= 0) return Promise.resolve();
  let pump = pumps.get(db);
  if (!pump) {
    pump = new TokenPump(db, ratePerSecond);
    pumps.set(db, pump);
  }
  return pump.take(cls);
}
