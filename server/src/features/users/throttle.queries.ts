import { and, eq, lt, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.js';
import { authThrottles } from '../../db/schema/index.js';

export interface ThrottleHit {
  count: number;
  windowStartedAt: Date;
}

/**
 * Counts one attempt in a fixed window, in one atomic statement: concurrent attempts each get their
 * own count, so no more than the limit can ever pass. An expired window restarts at `now`; a live
 * one is never extended by further attempts.
 */
export async function hitThrottle(db: Executor, key: string, now: Date, windowSeconds: number): Promise<ThrottleHit> {
  const nowIso = now.toISOString();
  const expiredIfBefore = new Date(now.getTime() - windowSeconds * 1000).toISOString();
  const [row] = await queryRows<{ count: number; window_started_at: string | Date }>(
    db,
    sql`insert into auth_throttles as t (key, count, window_started_at)
        values (${key}, 1, ${nowIso}::timestamptz)
        on conflict (key) do update set
          count = case when t.window_started_at <= ${expiredIfBefore}::timestamptz then 1 else t.count + 1 end,
          window_started_at = case when t.window_started_at <= ${expiredIfBefore}::timestamptz then ${nowIso}::timestamptz else t.window_started_at end
        returning count, window_started_at`,
  );
  return { count: Number(row.count), windowStartedAt: new Date(row.window_started_at) };
}

/** Gives one attempt back, only if the window it was counted in is still the current one. */
export async function releaseThrottle(db: Executor, key: string, windowStartedAt: Date): Promise<void> {
  await db
    .update(authThrottles)
    .set({ count: sql`greatest(${authThrottles.count} - 1, 0)` })
    .where(and(eq(authThrottles.key, key), eq(authThrottles.windowStartedAt, windowStartedAt)));
}

export async function clearThrottle(db: Executor, key: string): Promise<void> {
  await db.delete(authThrottles).where(eq(authThrottles.key, key));
}


export async function deleteThrottlesOlderThan(db: Executor, before: Date): Promise<number> {
  return (await db.delete(authThrottles).where(lt(authThrottles.windowStartedAt, before)).returning({ key: authThrottles.key })).length;
}
