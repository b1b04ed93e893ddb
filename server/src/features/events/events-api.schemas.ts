import { z } from 'zod';
import { CONTACT_EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT, PROJECT_EVENTS_DEFAULT_LIMIT } from './event-history.service.js';

// Request and response shapes of the secret-key /events API (Plunk's Events controller, plus a cursor).

const eventName = z.string().trim().min(1).max(200);
const limit = (fallback: number) => z.coerce.number().int().min(1).max(EVENTS_MAX_LIMIT).default(fallback);
const cursor = z.string().min(1).max(500).optional();

export const listEventsQuery = z.object({
  eventName: eventName.optional(),
  /** Shorthand for eventName. */
  name: eventName.optional(),
  limit: limit(PROJECT_EVENTS_DEFAULT_LIMIT),
  cursor,
});

export const contactEventsQuery = z.object({ limit: limit(CONTACT_EVENTS_DEFAULT_LIMIT), cursor });
export const contactIdParams = z.object({ id: z.string().max(100) });
export const legacyContactIdParams = z.object({ contactId: z.string().max(100) });

export const statsQuery = z.object({
  startDate: z.coerce.date().optional(),
  endDate: z.coerce.date().optional(),
  /** Shorthands for startDate / endDate. */
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});

export const eventNameParams = z.object({ eventName });

const eventItem = z.object({
  id: z.string(),
  name: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  contactId: z.string().nullable(),
  emailId: z.string().nullable(),
  createdAt: z.string(),
  contact: z.object({ id: z.string(), email: z.string() }).nullable(),
});

export const eventPageResponse = z.object({ events: z.array(eventItem), nextCursor: z.string().nullable() });

export const statsResponse = z.array(z.object({ name: z.string(), count: z.number() }));

export const namesResponse = z.object({
  eventNames: z.array(z.string()),
  details: z.array(z.object({ name: z.string(), count: z.number(), lastSeenAt: z.string().nullable(), system: z.boolean() })),
});

const usage = z.array(z.object({ id: z.string(), name: z.string() }));
export const usageResponse = z.object({
  usedInSegments: usage,
  usedInWorkflows: usage,
  totalCount: z.number(),
  uniqueContacts: z.number(),
  canDelete: z.boolean(),
});

export const deleteResponse = z.object({ deletedCount: z.number() });
