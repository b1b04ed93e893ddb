import { z } from 'zod';
import { containsNul } from '../../core/json.js';
import { TEMPLATE_TYPES, type TemplateRow } from '../../db/schema/index.js';
// Address and header rules are the send path's: a template's fields end up in the same headers.
import { emailAddress, headerText } from '../emails/emails.schemas.js';

const noNul = { message: 'must not contain NUL characters' } as const;

const name = z.string().trim().min(1, { message: 'Name is required' }).max(100).refine((v) => !containsNul(v), noNul);
const description = z.string().max(500).refine((v) => !containsNul(v), noNul);
// The subject becomes a header once rendered, so line breaks are refused here already.
const subject = headerText(998).min(1, { message: 'Subject is required' });
const body = z.string().min(1, { message: 'Body is required' }).refine((v) => !containsNul(v), noNul);

export const createTemplateBody = z.object({
  name,
  description: description.nullish(),
  subject,
  body,
  from: emailAddress,
  fromName: headerText(100).nullish(),
  replyTo: emailAddress.nullish(),
  type: z.enum(TEMPLATE_TYPES).default('MARKETING'),
  disableFooter: z.boolean().optional(),
});
export type CreateTemplateBody = z.infer<typeof createTemplateBody>;

export const updateTemplateBody = z.object({
  name: name.optional(),
  description: description.nullish(),
  subject: subject.optional(),
  body: body.optional(),
  from: emailAddress.optional(),
  fromName: headerText(100).nullish(),
  replyTo: emailAddress.nullish(),
  type: z.enum(TEMPLATE_TYPES).optional(),
  disableFooter: z.boolean().optional(),
});
export type UpdateTemplateBody = z.infer<typeof updateTemplateBody>;

export const SORT_COLUMNS = ['name', 'createdAt', 'updatedAt'] as const;

// Unknown `sort`/`dir` values fall back to the defaults (Plunk does the same) instead of failing.
export const listTemplatesQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  search: z.string().trim().max(255).optional(),
  type: z.enum(TEMPLATE_TYPES).optional(),
  sort: z.enum(SORT_COLUMNS).catch('createdAt').default('createdAt'),
  dir: z.enum(['asc', 'desc']).catch('desc').default('desc'),
});
export type ListTemplatesQuery = z.infer<typeof listTemplatesQuery>;

export const templateIdParams = z.object({ id: z.string().max(100) });

export const bulkUpdateBody = z.object({
  ids: z.array(z.uuid()).min(1).max(1000),
  delete: z.literal(true),
});

// Documented as date-time, as z.date() was; the value is already a string (see toTemplateJson).
const isoDate = z.string().meta({ format: 'date-time' });

export const templateResponse = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  from: z.string(),
  fromName: z.string().nullable(),
  replyTo: z.string().nullable(),
  type: z.enum(TEMPLATE_TYPES),
  disableFooter: z.boolean(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type TemplateJson = z.infer<typeof templateResponse>;

/**
 * The JSON a template answers with. Dates are ISO strings already, so an Idempotency-Key replay
 * (read back from jsonb) serialises exactly like the first answer.
 */
export function toTemplateJson(t: TemplateRow): TemplateJson {
  return { ...t, createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString() };
}

export const templatePageResponse = z.object({
  data: z.array(templateResponse),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  totalPages: z.number(),
});
