import { z } from 'zod';
import { containsNul } from '../../core/json.js';
import type { CampaignRow } from '../../db/schema/index.js';
// Address and header rules are the send path's: a campaign's fields end up in the same headers.
import { emailAddress, headerText } from '../emails/emails.schemas.js';
import { conditionField, filterConditionSchema } from '../segments/filter-schema.js';

export const CAMPAIGN_STATUSES = ['DRAFT', 'SCHEDULED', 'SENDING', 'SENT', 'CANCELLED'] as const;
export const CAMPAIGN_TYPES = ['MARKETING', 'TRANSACTIONAL'] as const;
export const AUDIENCE_TYPES = ['ALL', 'SEGMENT', 'FILTERED'] as const;

const noNul = { message: 'must not contain NUL characters' } as const;
export const MAX_NAME = 200;
const name = z.string().trim().min(1, { message: 'Name is required' }).max(MAX_NAME).refine((v) => !containsNul(v), noNul);
const description = z.string().max(500).refine((v) => !containsNul(v), noNul);
// The subject becomes a header once rendered, so line breaks are refused here already.
const subject = headerText(998).min(1, { message: 'Subject is required' });
const body = z.string().min(1, { message: 'Body is required' }).refine((v) => !containsNul(v), noNul);
const id = z.string().max(100);

const fields = {
  name,
  description: description.nullish(),
  subject: subject.optional(),
  body: body.optional(),
  /** Copies subject, body, sender and reply-to from the template (fields given here win). */
  templateId: id.nullish(),
  from: emailAddress.optional(),
  fromName: headerText(100).nullish(),
  replyTo: emailAddress.nullish(),
  segmentId: id.nullish(),
  audienceCondition: conditionField.nullish(),
};

const required = (path: string, message: string) => ({ code: 'custom' as const, path: [path], message });

export const createCampaignBody = z
  .object({ ...fields, type: z.enum(CAMPAIGN_TYPES).default('MARKETING'), audienceType: z.enum(AUDIENCE_TYPES) })
  .superRefine((b, ctx) => {
    if (b.audienceType === 'SEGMENT' && !b.segmentId) ctx.addIssue(required('segmentId', 'Segment ID is required for SEGMENT audience type'));
    if (b.audienceType === 'FILTERED' && !b.audienceCondition) ctx.addIssue(required('audienceCondition', 'Audience condition is required for FILTERED audience type'));
    if (!b.templateId && b.subject === undefined) ctx.addIssue(required('subject', 'Subject is required (or pass templateId)'));
    if (!b.templateId && b.body === undefined) ctx.addIssue(required('body', 'Body is required (or pass templateId)'));
  });
export type CreateCampaignBody = z.infer<typeof createCampaignBody>;

export const updateCampaignBody = z.object({
  ...fields,
  name: name.optional(),
  type: z.enum(CAMPAIGN_TYPES).optional(),
  audienceType: z.enum(AUDIENCE_TYPES).optional(),
});
export type UpdateCampaignBody = z.infer<typeof updateCampaignBody>;

// Unknown `sort`/`dir` fall back to the defaults (Plunk does the same); an unknown status is an error.
export const listCampaignsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(CAMPAIGN_STATUSES, { message: 'Invalid status value' }).optional(),
  search: z.string().trim().max(255).optional(),
  sort: z.enum(['name', 'createdAt', 'updatedAt']).catch('createdAt').default('createdAt'),
  dir: z.enum(['asc', 'desc']).catch('desc').default('desc'),
  /** Archived campaigns are hidden unless asked for: `true` lists only them, `all` both. */
  archived: z.enum(['true', 'false', 'all']).default('false'),
});
export type ListCampaignsQuery = z.infer<typeof listCampaignsQuery>;

export const campaignIdParams = z.object({ id });

export const sendCampaignBody = z
  .object({
    /** When to send; absent or null sends now. Anything `Date` parses (ISO 8601 recommended). */
    scheduledFor: z.union([z.string().max(100), z.number()]).nullish(),
  })
  .nullish();

export const testCampaignBody = z.object({ email: emailAddress });

export const recipientsQuery = z.object({
  type: z.enum(['bounced', 'complained', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(1000).optional(),
});

const isoDate = z.string().meta({ format: 'date-time' });

export const campaignJson = z
  .object({
    id: z.string(),
    projectId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    subject: z.string(),
    body: z.string(),
    from: z.string(),
    fromName: z.string().nullable(),
    replyTo: z.string().nullable(),
    templateId: z.string().nullable(),
    type: z.enum(CAMPAIGN_TYPES),
    audienceType: z.enum(AUDIENCE_TYPES),
    segmentId: z.string().nullable(),
    segment: z.object({ id: z.string(), name: z.string() }).nullable(),
    audienceCondition: filterConditionSchema.nullable(),
    status: z.enum(CAMPAIGN_STATUSES),
    scheduledFor: isoDate.nullable(),
    /** When sending started (Plunk's name for it); `startedAt` is the same instant. */
    sentAt: isoDate.nullable(),
    startedAt: isoDate.nullable(),
    completedAt: isoDate.nullable(),
    cancelledAt: isoDate.nullable(),
    totalRecipients: z.number().int(),
    archived: z.boolean(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Campaign' });
export type CampaignJson = z.infer<typeof campaignJson>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Dates as ISO strings already, so an Idempotency-Key replay (read back from jsonb) answers the same. */
export function toCampaignJson(c: CampaignRow, segment: { id: string; name: string } | null = null): CampaignJson {
  return {
    id: c.id,
    projectId: c.projectId,
    name: c.name,
    description: c.description,
    subject: c.subject,
    body: c.body,
    from: c.fromEmail,
    fromName: c.fromName,
    replyTo: c.replyTo,
    templateId: c.templateId,
    type: c.type,
    audienceType: c.audienceType,
    segmentId: c.segmentId,
    segment: segment && c.segmentId === segment.id ? { id: segment.id, name: segment.name } : null,
    audienceCondition: (c.audienceCondition ?? null) as CampaignJson['audienceCondition'],
    status: c.status,
    scheduledFor: iso(c.scheduledFor),
    sentAt: iso(c.startedAt),
    startedAt: iso(c.startedAt),
    completedAt: iso(c.completedAt),
    cancelledAt: iso(c.cancelledAt),
    totalRecipients: c.totalRecipients,
    archived: c.archived,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export const campaignEnvelope = z.object({ success: z.literal(true), data: campaignJson, message: z.string().optional() });
export const messageEnvelope = z.object({ success: z.literal(true), message: z.string() });

export const campaignPage = z.object({
  success: z.literal(true),
  data: z.array(campaignJson),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  totalPages: z.number().int(),
});

const count = z.number().int();
const rate = z.number().meta({ description: 'Percent of sentCount (0–100, two decimals); 0 when nothing was sent.' });

export const campaignStats = z.object({
  totalRecipients: count,
  sentCount: count,
  deliveredCount: count,
  openedCount: count,
  humanOpenedCount: count,
  clickedCount: count,
  humanClickedCount: count,
  bouncedCount: count,
  complainedCount: count,
  unsubscribedCount: count,
  suppressedCount: count,
  failedCount: count,
  openRate: rate,
  humanOpenRate: rate,
  clickRate: rate,
  humanClickRate: rate,
  bounceRate: rate,
  deliveryRate: rate,
  complaintRate: rate,
  unsubscribeRate: rate,
});
export type CampaignStats = z.infer<typeof campaignStats>;

export const recipientJson = z.object({
  emailId: z.string(),
  contactId: z.string(),
  email: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  bounceType: z.string().nullable(),
  /** When the bounce or complaint happened (type bounced / complained), else when the email was created. */
  occurredAt: isoDate,
  sentAt: isoDate.nullable(),
  deliveredAt: isoDate.nullable(),
  bouncedAt: isoDate.nullable(),
  complainedAt: isoDate.nullable(),
  openedAt: isoDate.nullable(),
  clickedAt: isoDate.nullable(),
});

export const recipientsPage = z.object({
  success: z.literal(true),
  data: z.array(recipientJson),
  cursor: z.string().nullable(),
  hasMore: z.boolean(),
  total: z.number().int(),
});

export const testSendResponse = z.object({
  success: z.literal(true),
  message: z.string(),
  data: z.object({ emailId: z.string(), status: z.string(), reason: z.string().nullable() }),
});
