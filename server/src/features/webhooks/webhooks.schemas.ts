import { z } from 'zod';
import { containsNul } from '../../core/json.js';
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from '../../db/schema/index.js';
import { canonicalEventName } from '../workflows/step-config.js';

// Request and response shapes of /webhook-endpoints. The signing secret appears only in the answers
// of create and rotate-secret (`secret`), never in any other response.

const noNul = { message: 'must not contain NUL characters' } as const;

const url = z
  .string()
  .trim()
  .min(1, { message: 'URL is required' })
  .max(2000)
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
      } catch {
        return false;
      }
    },
    { message: 'must be an http:// or https:// URL' },
  );

/** An event name or a `prefix.*` pattern; email aliases (`email.open`) become canonical names. */
const eventType = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((v) => !/[\r\n\0\s]/.test(v), { message: 'must not contain whitespace or NUL' })
  .refine((v) => !v.includes('*') || (/^[^*]+\.\*$/.test(v)), { message: 'a wildcard is only allowed as a trailing `.*` (e.g. `email.*`)' })
  .transform(canonicalEventName);

const eventTypes = z
  .array(eventType)
  .max(100)
  .transform((list) => [...new Set(list)]);

const description = z.string().max(500).refine((v) => !containsNul(v), noNul);

export const createEndpointBody = z.object({
  url,
  description: description.nullish(),
  /** Empty or absent: every event. */
  eventTypes: eventTypes.optional(),
  enabled: z.boolean().optional(),
});
export type CreateEndpointBody = z.infer<typeof createEndpointBody>;

export const updateEndpointBody = z.object({
  url: url.optional(),
  description: description.nullish(),
  eventTypes: eventTypes.optional(),
  /** true also clears an automatic disable (and its failure count). */
  enabled: z.boolean().optional(),
});
export type UpdateEndpointBody = z.infer<typeof updateEndpointBody>;

/** Hours the old secret keeps signing (a second signature); default 24, 0 = none. The body may be absent. */
export const rotateSecretBody = z.object({ overlapHours: z.number().min(0).max(168).optional() }).nullish();

export const endpointIdParams = z.object({ id: z.string().max(100) });
export const deliveryIdParams = z.object({ id: z.string().max(100), deliveryId: z.string().max(100) });

export const deliveriesQuery = z.object({
  status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

const isoDate = z.string().meta({ format: 'date-time' });

export const endpointResponse = z.object({
  id: z.string(),
  projectId: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  consecutiveFailures: z.number().int(),
  disabledAt: isoDate.nullable(),
  disabledReason: z.string().nullable(),
  /** While a rotation overlap lasts, the old secret still signs (second signature) until this time. */
  previousSecretExpiresAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type EndpointJson = z.infer<typeof endpointResponse>;

export const endpointWithSecretResponse = endpointResponse.extend({
  /** `whsec_…`: shown only here; store it now. */
  secret: z.string(),
});

export function toEndpointJson(e: WebhookEndpointRow, now: Date): EndpointJson {
  const overlap = e.previousSecretExpiresAt && e.previousSecretExpiresAt > now ? e.previousSecretExpiresAt : null;
  return {
    id: e.id,
    projectId: e.projectId,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    enabled: e.enabled,
    consecutiveFailures: e.consecutiveFailures,
    disabledAt: e.disabledAt?.toISOString() ?? null,
    disabledReason: e.disabledReason,
    previousSecretExpiresAt: overlap?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export const deliveryResponse = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string().nullable(),
  eventType: z.string(),
  /** The `webhook-id` header: the same on every retry and replay. */
  messageId: z.string(),
  status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']),
  attempts: z.number().int(),
  nextAttemptAt: isoDate.nullable(),
  lastAttemptAt: isoDate.nullable(),
  responseStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  createdAt: isoDate,
  completedAt: isoDate.nullable(),
});
export type DeliveryJson = z.infer<typeof deliveryResponse>;

export function toDeliveryJson(d: WebhookDeliveryRow): DeliveryJson {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    messageId: d.messageId,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'PENDING' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    responseStatus: d.responseStatus,
    error: d.error,
    durationMs: d.durationMs,
    createdAt: d.createdAt.toISOString(),
    completedAt: d.completedAt?.toISOString() ?? null,
  };
}

export const attemptResponse = z.object({
  attempt: z.number().int(),
  startedAt: isoDate,
  durationMs: z.number().int(),
  responseStatus: z.number().int().nullable(),
  /** The start of the receiver's answer (truncated). */
  responseBody: z.string().nullable(),
  error: z.string().nullable(),
  replay: z.boolean(),
});

export const deliveryDetailResponse = deliveryResponse.extend({
  url: z.string(),
  payload: z.record(z.string(), z.unknown()),
  responseBody: z.string().nullable(),
  attemptLog: z.array(attemptResponse),
});

export function toDeliveryDetailJson(d: WebhookDeliveryRow, url: string, attempts: WebhookAttemptRow[]) {
  return {
    ...toDeliveryJson(d),
    url,
    payload: d.payload,
    responseBody: d.responseBody,
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      responseStatus: a.responseStatus,
      responseBody: a.responseBody,
      error: a.error,
      replay: a.replay,
    })),
  };
}

export const deliveriesPage = z.object({ data: z.array(deliveryResponse), cursor: z.string().nullable(), hasMore: z.boolean() });
