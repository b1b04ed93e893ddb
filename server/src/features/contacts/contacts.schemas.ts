import { z } from 'zod';
import { containsNul } from '../../core/json.js';
import type { ContactRow } from '../../db/schema/index.js';

const contactEmail = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }));

const contactData = z.record(z.string(), z.unknown()).refine((v) => !containsNul(v), { message: 'must not contain NUL characters' });

export const contactIdParams = z.object({ id: z.string().max(100) });
const noNul = { message: 'must not contain NUL characters' } as const;
export const fieldParams = z.object({ field: z.string().min(1).max(255).refine((v) => !v.includes('\u0000'), noNul) });

// Query strings: unknown sort/dir fall back to the defaults (as Plunk does), a bad limit is a 422.
export const listContactsQuery = z.object({
  limit: z.coerce.number().int().min(1).default(20).transform((n) => Math.min(n, 100)),
  // An empty cursor (`?cursor=`) means the first page.
  cursor: z.string().max(1000).optional(),
  search: z.string().trim().max(255).refine((v) => !v.includes('\u0000'), noNul).optional(),
  subscribed: z.enum(['true', 'false']).optional(),
  sort: z.string().max(50).optional(),
  dir: z.string().max(10).optional(),
});
export type ListContactsQuery = z.infer<typeof listContactsQuery>;

export const createContactBody = z.object({
  email: contactEmail,
  subscribed: z.boolean().optional(),
  data: contactData.nullable().optional(),
});
export type CreateContactBody = z.infer<typeof createContactBody>;

export const updateContactBody = z.object({
  email: contactEmail.optional(),
  subscribed: z.boolean().optional(),
  /** `null` clears all data; an object is merged. */
  data: contactData.nullable().optional(),
});
export type UpdateContactBody = z.infer<typeof updateContactBody>;

export const lookupBody = z.object({
  emails: z.array(z.string().min(1).max(320).refine((v) => !v.includes('\u0000'), noNul)).min(1).max(500),
});

export const fieldValuesQuery = z.object({
  limit: z.coerce.number().int().min(1).default(100).transform((n) => Math.min(n, 200)),
});

export const contactJson = z.object({
  id: z.string(),
  email: z.string(),
  subscribed: z.boolean(),
  data: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ContactJson = z.infer<typeof contactJson>;

export const contactWithMeta = contactJson.extend({ _meta: z.object({ isNew: z.boolean(), isUpdate: z.boolean() }) });

export const contactPage = z.object({
  data: z.array(contactJson),
  cursor: z.string().nullable(),
  hasMore: z.boolean(),
  total: z.number().int(),
});

export const lookupResponse = z.object({
  found: z.array(z.object({ email: z.string(), contact: contactJson })),
  notFound: z.array(z.string()),
});

export const fieldType = z.enum(['string', 'number', 'boolean', 'date', 'object', 'array']);
export type FieldType = z.infer<typeof fieldType>;

export const fieldsResponse = z.object({
  fields: z.array(z.object({ field: z.string(), type: fieldType, coverage: z.number() })),
  count: z.number().int(),
});

export const fieldValuesResponse = z.object({ field: z.string(), values: z.array(z.unknown()), count: z.number().int(), limit: z.number().int() });

export const fieldUsageResponse = z.object({ field: z.string(), usage: z.array(z.unknown()), canDelete: z.boolean() });

export const deleteFieldResponse = z.object({ field: z.string(), contactsUpdated: z.number().int() });

/** The bare contact JSON every /contacts route answers with. */
export function toContactJson(c: ContactRow): ContactJson {
  return {
    id: c.id,
    email: c.email,
    subscribed: c.subscribed,
    data: c.data ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
