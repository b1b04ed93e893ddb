import type { SinkMessage } from './scale-sink.js';

// The figures `npm run test:scale` judges a run by, computed from what the SMTP sink received.

export interface Delivery {
  messages: number;
  /** Expected recipients that received nothing. */
  missing: string[];
  /** Recipients that were not expected at all. */
  unexpected: string[];
  /** Messages beyond the first carrying the same Message-ID. */
  duplicateMessageIds: number;
  /** Expected recipients that received more than one message. */
  recipientsWithSeveral: number;
}

export function checkDelivery(messages: SinkMessage[], expected: Set<string>): Delivery {
  const byId = new Map<string, number>();
  const perRecipient = new Map<string, number>();
  for (const m of messages) {
    byId.set(m.messageId, (byId.get(m.messageId) ?? 0) + 1);
    for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  }
  let duplicateMessageIds = 0;
  for (const [id, n] of byId) if (id !== 'none' && n > 1) duplicateMessageIds += n - 1;
  return {
    messages: messages.length,
    missing: [...expected].filter((r) => !perRecipient.has(r)),
    unexpected: [...perRecipient.keys()].filter((r) => !expected.has(r)),
    duplicateMessageIds: duplicateMessageIds + (byId.get('none') ?? 0),
    recipientsWithSeveral: [...perRecipient.values()].filter((n) => n > 1).length,
  };
}

export interface RateWindows {
  /** Messages per second over the whole run (first to last message). */
  average: number;
  /** Highest message count in any window of `windowMs`, as messages per second. */
  max1s: number;
  max2s: number;
}

/**
 * Sliding windows (100 ms steps) from `windowsFrom` (default: one second after the first message) to the
 * last message. The bucket starts full, so the first second may legitimately carry its burst.
 */
export function measureRates(messages: SinkMessage[], windowsFrom?: number): RateWindows {
  const at = messages.map((m) => m.at).sort((a, b) => a - b);
  if (at.length < 2) return { average: at.length, max1s: at.length, max2s: at.length };
  const first = at[0];
  const last = at[at.length - 1];
  const maxOver = (windowMs: number) => {
    let best = 0;
    for (let start = windowsFrom ?? first + 1000; start + windowMs <= last + 100; start += 100) {
      best = Math.max(best, countBetween(at, start, start + windowMs));
    }
    return (best * 1000) / windowMs;
  };
  return { average: ((at.length - 1) * 1000) / Math.max(1, last - first), max1s: maxOver(1000), max2s: maxOver(2000) };
}

/** Count of sorted values in [from, to). */
function countBetween(sorted: number[], from: number, to: number): number {
  return lowerBound(sorted, to) - lowerBound(sorted, from);
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Share of the messages sent by each pid (null = not attributed). */
export function sharesByPid(messages: SinkMessage[], pids: number[]): { pid: number | null; messages: number; share: number }[] {
  const counts = new Map<number | null, number>(pids.map((p) => [p, 0]));
  for (const m of messages) counts.set(m.pid, (counts.get(m.pid) ?? 0) + 1);
  return [...counts].map(([pid, n]) => ({ pid, messages: n, share: messages.length ? n / messages.length : 0 }));
}
