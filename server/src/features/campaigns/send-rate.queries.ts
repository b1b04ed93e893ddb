import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.js';

/** Creates the bucket full the first time any process uses it. */
export async function ensureRateBucket(db: Executor, key: string, burst: number): Promise<void> {
  await db.execute(sql`insert into rate_buckets (key, tokens, updated_at) values (${key}, ${burst}, clock_timestamp()) on conflict (key) do nothing`);
}

export interface TokenRequest {
  ratePerSecond: number;
  burst: number;
  /** Tokens bulk (campaign) takers must leave in the bucket for priority takers. */
  reserve: number;
  wantPriority: number;
  wantBulk: number;
}

export interface TokenGrant {
  priority: number;
  bulk: number;
  /** What is left in the bucket after this grant (fractional). */
  tokens: number;
}

/**
 * One atomic statement: refill by the time elapsed since the last take (database clock, so every process
 * agrees), grant priority takers first, then bulk takers down to the reserve, and store the rest. The
 * row lock taken by `for update` serialises concurrent takers, so tokens are never granted twice.
 */
export async function takeRateTokens(db: Executor, key: string, r: TokenRequest): Promise<TokenGrant | null> {
  const rows = await queryRows<{ np: number; nb: number; tokens: number }>(
    db,
    sql`with t as (select clock_timestamp() as ts),
      s as (
        select least(${r.burst}::float8, b.tokens + greatest(0, extract(epoch from (t.ts - b.updated_at)))::float8 * ${r.ratePerSecond}::float8) as avail, t.ts
        from rate_buckets b, t where b.key = ${key} for update of b
      ),
      g as (select avail, ts, greatest(0, least(${r.wantPriority}::int, floor(avail)::int)) as np from s),
      h as (select avail, ts, np, greatest(0, least(${r.wantBulk}::int, floor(avail - np - ${r.reserve}::float8)::int)) as nb from g)
    update rate_buckets b set tokens = h.avail - h.np - h.nb, updated_at = greatest(b.updated_at, h.ts)
    from h where b.key = ${key}
    returning h.np::int as np, h.nb::int as nb, (h.avail - h.np - h.nb)::float8 as tokens`,
  );
  const row = rows[0];
  return row ? { priority: Number(row.np), bulk: Number(row.nb), tokens: Number(row.tokens) } : null;
}
