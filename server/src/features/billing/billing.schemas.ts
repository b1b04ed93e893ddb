import { z } from 'zod';

export const projectIdParams = z.object({ id: z.string().max(100) });

export const consumptionQuery = z.object({
  /** A month as YYYY-MM (UTC); default: the current month. */
  period: z.string().max(7).optional(),
});

const perCategory = { transactional: z.number().int(), campaign: z.number().int(), workflow: z.number().int(), inbound: z.number().int() };

export const consumptionResponse = z.object({
  period: z.object({ key: z.string(), start: z.string(), end: z.string() }),
  /** Billable units (an email with attachments counts 2); FAILED and SUPPRESSED emails do not count. */
  usage: z.object({ ...perCategory, total: z.number().int() }),
  /** Every day of the period up to today (UTC). */
  daily: z.array(z.object({ date: z.string(), ...perCategory })),
});

const limitEntry = z.object({
  /** Monthly limit in units; null = unlimited. */
  limit: z.number().int().nullable(),
  usage: z.number().int(),
  /** usage / limit in percent, rounded; 0 when unlimited. */
  percentage: z.number(),
  /** At or above 80 % of the limit. */
  isWarning: z.boolean(),
  /** At the limit: sends of this category are refused with 429 BILLING_LIMIT_EXCEEDED. */
  isBlocked: z.boolean(),
});

export const limitsResponse = z.object({ transactional: limitEntry, campaign: limitEntry, workflow: limitEntry, inbound: limitEntry });

const limitValue = z.number().int().positive().max(1_000_000_000).nullable().optional();

/** Omitted categories keep their limit; null removes it. */
export const limitsBody = z.strictObject({ transactional: limitValue, campaign: limitValue, workflow: limitValue, inbound: limitValue });
