import { z } from 'zod';

// Request and response shapes of the Activity API (audit trail) and the API request log.

const ACTOR_TYPES = ['secret_key', 'public_key', 'user', 'cli', 'system'] as const;

/** An ISO 8601 date-time with offset (`2024-05-01T10:00:00Z`) or a plain date (UTC midnight). */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO 8601 date-time (e.g. 2024-05-01T10:00:00Z) or a date (YYYY-MM-DD)' })
  .transform((v) => new Date(v));

const range = { from: instant.optional(), to: instant.optional() };
const fromBeforeTo = (q: { from?: Date; to?: Date }) => !q.from || !q.to || q.from.getTime() <= q.to.getTime();
const rangeOrder = { message: '"from" must not be after "to"', path: ['from'] };

const limit = z.coerce.number().int().min(1).max(100).default(50);
// An empty cursor (`?cursor=`) means the first page.
const cursor = z.string().max(1000).optional();

export const listActivityQuery = z
  .object({
    /** Exact type, a comma-separated list, and/or prefixes ending in `*` (`contact.*`). */
    type: z
      .string()
      .max(1000)
      .refine((v) => v.split(',').length <= 20, { message: 'at most 20 types' })
      .refine((v) => v.split(',').every((t) => !t.trim().slice(0, -1).includes('*')), { message: '"*" is only allowed at the end of a type (e.g. contact.*)' })
      .optional(),
    actorType: z.enum(ACTOR_TYPES).optional(),
    actorId: z.string().max(200).optional(),
    requestId: z.string().max(200).optional(),
    ...range,
    limit,
    cursor,
  })
  .refine(fromBeforeTo, rangeOrder);
export type ListActivityQuery = z.infer<typeof listActivityQuery>;

export const statsQuery = z.object(range).refine(fromBeforeTo, rangeOrder);

export const listRequestsQuery = z
  .object({
    /** An exact status (`422`) or a class (`4xx`). */
    status: z
      .string()
      .regex(/^[1-5](\d\d|xx)$/i, { message: 'must be a status code (e.g. 404) or a class (e.g. 4xx)' })
      .optional(),
    method: z
      .string()
      .regex(/^[A-Za-z]{3,7}$/, { message: 'must be an HTTP method (e.g. POST)' })
      .transform((v) => v.toUpperCase())
      .optional(),
    ...range,
    limit,
    cursor,
  })
  .refine(fromBeforeTo, rangeOrder);
export type ListRequestsQuery = z.infer<typeof listRequestsQuery>;

// Documented as date-time; the value is already a string.
const isoDate = z.string().meta({ format: 'date-time' });

export const activityItem = z.object({
  id: z.string(),
  type: z.string(),
  actor: z.object({
    type: z.enum(ACTOR_TYPES),
    id: z.string().nullable(),
    /** Present for users: their current email (null when the account is gone). */
    email: z.string().nullable().optional(),
  }),
  summary: z.string(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  createdAt: isoDate,
});

export const activityPage = z.object({ data: z.array(activityItem), cursor: z.string().nullable(), hasMore: z.boolean() });

export const activityStats = z.object({
  total: z.number().int(),
  byType: z.array(z.object({ type: z.string(), count: z.number().int() })),
  /** Every UTC day of the range, oldest first, zeros included. */
  byDay: z.array(z.object({ date: z.string(), count: z.number().int() })),
});

export const activityTypes = z.object({ types: z.array(z.string()) });

export const apiRequestItem = z.object({
  id: z.string(),
  requestId: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  durationMs: z.number().int(),
  authType: z.string().nullable(),
  ip: z.string().nullable(),
  /** The error code of the response body, for 4xx/5xx answers. */
  errorCode: z.string().nullable(),
  createdAt: isoDate,
});

export const apiRequestPage = z.object({ data: z.array(apiRequestItem), cursor: z.string().nullable(), hasMore: z.boolean() });
