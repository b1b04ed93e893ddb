import { z } from 'zod';
import type { WorkflowStepType } from '../../db/schema/index.js';
import { emailAddress, headerText } from '../emails/emails.schemas.js';
import { SYSTEM_EVENT_ALIASES } from '../events/event-names.js';

// Per-type step configuration, validated when a step is saved and again by the engine before it runs
// (a snapshot may predate a rule). One definition for the API, the engine and the OpenAPI document.

export const STEP_TYPES = ['TRIGGER', 'SEND_EMAIL', 'DELAY', 'WAIT_FOR_EVENT', 'CONDITION', 'WEBHOOK', 'UPDATE_CONTACT', 'EXIT'] as const satisfies readonly WorkflowStepType[];
export const CONDITION_OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'greaterThan',
  'lessThan',
  'greaterThanOrEqual',
  'lessThanOrEqual',
  'exists',
  'notExists',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Aliases (`email.open`) become the canonical names we store and emit (`email.opened`). */
export function canonicalEventName(name: string): string {
  const trimmed = name.trim();
  return SYSTEM_EVENT_ALIASES[trimmed] ?? trimmed;
}

export const eventName = z
  .string()
  .trim()
  .min(1, { message: 'Event name is required' })
  .max(200)
  .refine((v) => !/[\r\n\0]/.test(v), { message: 'must not contain line breaks or NUL' })
  .transform(canonicalEventName);

const MAX_DELAY_MINUTES = 365 * 24 * 60;
const UNIT_MINUTES = { minutes: 1, hours: 60, days: 24 * 60 } as const;
export const MAX_WAIT_TIMEOUT_SECONDS = 31_536_000;

export const triggerConfig = z.object({ eventName: eventName.optional() }).strict();

export const sendEmailConfig = z
  .object({
    recipient: z
      .object({ type: z.enum(['CONTACT', 'CUSTOM']), customEmail: emailAddress.optional() })
      .strict()
      .refine((r) => r.type !== 'CUSTOM' || !!r.customEmail, { message: 'customEmail is required for a CUSTOM recipient', path: ['customEmail'] })
      .optional(),
  })
  .strict();

export const delayConfig = z
  .object({ amount: z.number().int().positive(), unit: z.enum(['minutes', 'hours', 'days']) })
  .strict()
  .refine((c) => c.amount * UNIT_MINUTES[c.unit] <= MAX_DELAY_MINUTES, { message: 'A delay can be at most 365 days', path: ['amount'] });

export const waitForEventConfig = z
  .object({ eventName, timeout: z.number().int().min(1).max(MAX_WAIT_TIMEOUT_SECONDS).optional() })
  .strict();

const conditionValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]).optional();
const conditionField = z.string().trim().min(1).max(200);
export const binaryConditionConfig = z
  .object({ mode: z.literal('binary').optional(), field: conditionField, operator: z.enum(CONDITION_OPERATORS), value: conditionValue })
  .strict();
export const multiConditionConfig = z
  .object({
    mode: z.literal('multi'),
    field: conditionField,
    branches: z
      .array(
        z
          .object({
            id: z.string().trim().min(1).max(50).refine((v) => v !== 'default', { message: '"default" is reserved for the fallback branch' }),
            name: z.string().trim().min(1).max(100),
            operator: z.enum(CONDITION_OPERATORS),
            value: conditionValue,
          })
          .strict(),
      )
      .min(1)
      .max(20)
      .refine((bs) => new Set(bs.map((b) => b.id)).size === bs.length, { message: 'Branch ids must be unique' }),
  })
  .strict();
export const conditionConfig = z.union([multiConditionConfig, binaryConditionConfig]);

const headerValue = headerText(2000);
export const webhookConfig = z
  .object({
    url: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .refine((v) => /^https?:\/\//i.test(v), { message: 'URL must start with http:// or https://' }),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    headers: z
      .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, { message: 'Invalid header name' }), headerValue)
      .refine((h) => Object.keys(h).length <= 50, { message: 'At most 50 headers' })
      .optional(),
    body: z.unknown().optional(),
  })
  .strict();

export const updateContactConfig = z
  .object({
    updates: z.record(z.string().min(1).max(100), z.unknown()).optional(),
    subscriptionAction: z.enum(['none', 'subscribe', 'unsubscribe']).optional(),
  })
  .strict()
  .refine((c) => (c.updates && Object.keys(c.updates).length > 0) || (c.subscriptionAction && c.subscriptionAction !== 'none'), {
    message: 'Give updates or a subscriptionAction',
  });

export const exitConfig = z.object({ reason: z.string().trim().max(200).optional() }).strict();

export const STEP_CONFIG_SCHEMAS = {
  TRIGGER: triggerConfig,
  SEND_EMAIL: sendEmailConfig,
  DELAY: delayConfig,
  WAIT_FOR_EVENT: waitForEventConfig,
  CONDITION: conditionConfig,
  WEBHOOK: webhookConfig,
  UPDATE_CONTACT: updateContactConfig,
  EXIT: exitConfig,
} as const;

export type StepConfigOf<T extends WorkflowStepType> = z.infer<(typeof STEP_CONFIG_SCHEMAS)[T]>;

/** Delay length in milliseconds. */
export function delayMs(c: z.infer<typeof delayConfig>): number {
  return c.amount * UNIT_MINUTES[c.unit] * 60_000;
}

/** The outcomes a step's outgoing edges are keyed by (null: one plain edge). */
export function branchesOf(type: WorkflowStepType, config: Record<string, unknown>): string[] | null {
  if (type === 'CONDITION') {
    const c = conditionConfig.safeParse(config);
    if (c.success && c.data.mode === 'multi') return [...c.data.branches.map((b) => b.id), 'default'];
    return ['yes', 'no'];
  }
  if (type === 'WAIT_FOR_EVENT') {
    const c = waitForEventConfig.safeParse(config);
    return c.success && c.data.timeout ? ['EVENT', 'TIMEOUT'] : ['EVENT'];
  }
  return null;
}
