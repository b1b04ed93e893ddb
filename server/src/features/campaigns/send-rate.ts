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
//
// Smoothness: the bucket holds a twentieth of a second's worth of tokens, and a process only asks for tokens
// for emails it can hand over at once (`slots` handoffs in flight). Tokens taken ahead of a free
// connection would wait in the transport's queue and reach the receiver in a burst after any stall.

const BUCKET_KEY = 'transport:global';
const MIN_SLEEP_MS = 10;
const MAX_SLEEP_MS = 1000;

export type RateClass = 'priority' | 'bulk';

export const rateClassOf = (sourceType: EmailSourceType): RateClass => (sourceType === 'CAMPAIGN' ? 'bulk' : 'priority');

/**
 * A twentieth of a second's worth of tokens (at least one), so any window at the receiver sees at most the
 * rate plus 50 ms' worth; a fifth of them (at least one, when there are two) is kept for priority mail.
 */
export function bucketShape(ratePerSecond: number): { burst: number; reserve: number } {
  const burst = Math.max(1, Math.ceil(ratePerSecond / 20));
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

/**
 * Handoffs a process keeps in flight under a rate limit: one per transport connection, or a tenth of a
 * second's worth when that is more (a slow API transport needs more in flight to reach the rate).
 */
export function handoffSlots(ratePerSecond: number, connections: number): number {
  return Math.max(1, connections, Math.ceil(ratePerSecond / 10));
}

/** Ends a handoff: frees its slot for the next waiting email. */
export type ReleaseToken = () => void;

interface Waiter {
  resolve(release: ReleaseToken): void;
  reject(err: unknown): void;
}

class TokenPump {
  private readonly waiting: Record<RateClass, Waiter[]> = { priority: [], bulk: [] };
  private running = false;
  private ensured = false;
  private inFlight = 0;
  private readonly shape: { burst: number; reserve: number };

  constructor(
    private readonly db: Db,
    private readonly rate: number,
    private readonly slots: number,
  ) {
    this.shape = bucketShape(rate);
  }

  take(cls: RateClass): Promise<ReleaseToken> {
    return new Promise<ReleaseToken>((resolve, reject) => {
      this.waiting[cls].push({ resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private readonly release = () => {
    this.inFlight--;
    if (!this.running && (this.waiting.priority.length || this.waiting.bulk.length)) void this.run();
  };

  private async run() {
    this.running = true;
    try {
      while ((this.waiting.priority.length || this.waiting.bulk.length) && this.inFlight < this.slots) {
        const free = this.slots - this.inFlight;
        const wantPriority = Math.min(this.waiting.priority.length, free);
        if (!this.ensured) {
          await ensureRateBucket(this.db, BUCKET_KEY, this.shape.burst);
          this.ensured = true;
        }
        const grant = await takeRateTokens(this.db, BUCKET_KEY, {
          ratePerSecond: this.rate,
          ...this.shape,
          wantPriority,
          wantBulk: Math.min(this.waiting.bulk.length, free - wantPriority),
        });
        if (!grant) {
          this.ensured = false; // the row was removed: recreate it
          continue;
        }
        const granted = [...this.waiting.priority.splice(0, grant.priority), ...this.waiting.bulk.splice(0, grant.bulk)];
        this.inFlight += granted.length;
        for (const w of granted) w.resolve(once(this.release));
        // Waiting for a token (the bucket is short); a full set of slots waits for a release instead.
        if ((this.waiting.priority.length || this.waiting.bulk.length) && this.inFlight < this.slots) await sleep(this.nextTokenInMs(grant.tokens));
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

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (!called) (called = true), fn();
  };
}

const pumps = new WeakMap<Db, TokenPump>();
const noRelease: ReleaseToken = () => {};

/**
 * Waits for a transport token and a handoff slot; resolves at once when no rate is configured (0).
 * Called by the delivery worker right before it hands a message to the transport, which calls the
 * returned release when the handoff is over. Rejects if the database fails.
 */
export function takeSendToken(db: Db, ratePerSecond: number | undefined, cls: RateClass, connections = 1): Promise<ReleaseToken> {
  if (!ratePerSecond || ratePerSecond <= 0) return Promise.resolve(noRelease);
  let pump = pumps.get(db);
  if (!pump) {
    pump = new TokenPump(db, ratePerSecond, handoffSlots(ratePerSecond, connections));
    pumps.set(db, pump);
  }
  return pump.take(cls);
}
