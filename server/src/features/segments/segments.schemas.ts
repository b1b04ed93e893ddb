import { z } from 'zod';
import { containsNul } from '../../core/json.js';
import type { SegmentRow } from '../../db/schema/index.js';
import { contactJson } from '../contacts/contacts.schemas.js';
import { conditionField, filterConditionSchema } from './filter-schema.js';

const noNul = { message: 'must not contain NUL characters' } as const;
const name = z.string().trim().min(1, { message: 'Name is required' }).max(100).refine((v) => !containsNul(v), noNul);
const description = z.string().max(500).refine((v) => !containsNul(v), noNul);
const emailToAdd = z.string().trim().max(254).pipe(z.email({ message: 'must be a valid email address' }));
const emailToFind = z.string().trim().min(1).max(320).refine((v) => !containsNul(v), noNul);

export const createSegmentBody = z
  .object({
    name,
    description: description.nullish(),
    type: z.enum(['DYNAMIC', 'STATIC']).default('DYNAMIC'),
    condition: conditionField.nullish(),
    trackMembership: z.boolean().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.type === 'DYNAMIC' && !b.condition) ctx.addIssue({ code: 'custom', path: ['condition'], message: 'Condition is required for DYNAMIC segments' });
    if (b.type === 'STATIC' && b.condition) ctx.addIssue({ code: 'custom', path: ['condition'], message: 'STATIC segments have no condition: add members instead' });
    if (b.type === 'STATIC' && b.trackMembership) {
      ctx.addIssue({ code: 'custom', path: ['trackMembership'], message: 'Membership tracking applies to DYNAMIC segments only' });
    }
  });
export type CreateSegmentBody = z.infer<typeof createSegmentBody>;

export const updateSegmentBody = z.object({
  name: name.optional(),
  description: description.nullish(),
  condition: conditionField.optional(),
  trackMembership: z.boolean().optional(),
});
export type UpdateSegmentBody = z.infer<typeof updateSegmentBody>;

export const previewBody = z.object({ condition: conditionField });

export const segmentIdParams = z.object({ id: z.string().max(100) });

export const segmentContactsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const addMembersBody = z.object({
  emails: z.array(emailToAdd).min(1).max(500),
  createMissing: z.boolean().optional(),
  /** Subscription of contacts this request creates (default true). */
  subscribed: z.boolean().optional(),
});
export type AddMembersBody = z.infer<typeof addMembersBody>;

export const removeMembersBody = z.object({ emails: z.array(emailToFind).min(1).max(500) });

const isoDate = z.string().meta({ format: 'date-time' });

export const segmentResponse = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  slug: z.string(),
  type: z.enum(['DYNAMIC', 'STATIC']),
  condition: filterConditionSchema.nullable(),
  trackMembership: z.boolean(),
  memberCount: z.number().int(),
  memberCountAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type SegmentJson = z.infer<typeof segmentResponse>;

/** Dates as ISO strings already, so an Idempotency-Key replay (read back from jsonb) answers the same. */
export function toSegmentJson(s: SegmentRow): SegmentJson {
  return {
    id: s.id,
    projectId: s.projectId,
    name: s.name,
    description: s.description,
    slug: s.slug,
    type: s.type,
    condition: (s.condition ?? null) as SegmentJson['condition'],
    trackMembership: s.trackMembership,
    memberCount: s.memberCount,
    memberCountAt: s.memberCountAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export const segmentContactsPage = z.object({
  data: z.array(contactJson),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  totalPages: z.number().int(),
});

export const addMembersResponse = z.object({ added: z.number().int(), created: z.number().int(), notFound: z.array(z.string()) });
export const removeMembersResponse = z.object({ removed: z.number().int(), notFound: z.array(z.string()) });
export const computeResponse = z.object({ added: z.number().int(), removed: z.number().int(), total: z.number().int() });
export const previewResponse = z.object({
  count: z.number().int(),
  sample: z.array(z.object({ id: z.string(), email: z.string() })),
});
