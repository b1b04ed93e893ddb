import { validationError } from '../../core/errors.js';
import type { BillingCategory } from '../../db/schema/billing.js';
import type { EmailSourceType } from '../../db/schema/index.js';

// Billing periods are calendar months in UTC. Categories are the email's source type, plus `inbound`
// (received mail): we do not receive mail yet, so inbound usage is always 0 and its limit is stored only.

export const BILLING_CATEGORIES = ['transactional', 'campaign', 'workflow', 'inbound'] as const satisfies readonly BillingCategory[];

export const CATEGORY_OF_SOURCE: Record<EmailSourceType, BillingCategory> = {
  TRANSACTIONAL: 'transactional',
  CAMPAIGN: 'campaign',
  WORKFLOW: 'workflow',
};

export const SOURCE_OF_CATEGORY: Partial<Record<BillingCategory, EmailSourceType>> = {
  transactional: 'TRANSACTIONAL',
  campaign: 'CAMPAIGN',
  workflow: 'WORKFLOW',
};

/** A send with attachments counts twice. */
export const billableUnitsFor = (attachments: readonly unknown[] | null | undefined) => (attachments?.length ? 2 : 1);

/** At this share of a limit the dashboard warns and one Activity entry is written per month. */
export const WARNING_RATIO = 0.8;

export interface BillingPeriod {
  /** `YYYY-MM` */
  key: string;
  start: Date;
  /** Exclusive: the first instant of the next month. */
  end: Date;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function periodOf(at: Date): BillingPeriod {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { key: `${start.getUTCFullYear()}-${pad(start.getUTCMonth() + 1)}`, start, end };
}

/** `YYYY-MM` (months 01–12, years 2000–9999), else the month of `now`. */
export function parsePeriod(value: string | undefined, now: Date): BillingPeriod {
  if (value === undefined) return periodOf(now);
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  const year = m ? Number(m[1]) : 0;
  const month = m ? Number(m[2]) : 0;
  if (!m || year < 2000 || month < 1 || month > 12) {
    throw validationError([{ field: 'period', code: 'invalid_format', message: 'period must be a month as YYYY-MM' }]);
  }
  return periodOf(new Date(Date.UTC(year, month - 1, 1)));
}

/** Every day of the period up to and including today (UTC), as `YYYY-MM-DD`. */
export function daysUpTo(period: BillingPeriod, now: Date): string[] {
  const days: string[] = [];
  for (let d = new Date(period.start); d < period.end && d <= now; d = new Date(d.getTime() + 86_400_000)) {
    days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

/** "u/l (p%)": the usage part of the 429 message and the dashboard's label. */
export const percentOf = (usage: number, limit: number) => (limit > 0 ? Math.round((usage / limit) * 100) : 100);

export function limitMessage(category: BillingCategory, usage: number, limit: number): string {
  return `Billing limit reached for ${category} emails. Current usage: ${usage}/${limit} (${percentOf(usage, limit)}%)`;
}
