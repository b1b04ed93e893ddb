import { boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects.js';
import type { FilterCondition } from './segments.js';

export type CampaignStatus = 'DRAFT' | 'SCHEDULED' | 'SENDING' | 'SENT' | 'CANCELLED';
export type CampaignAudience = 'ALL' | 'SEGMENT' | 'FILTERED';

/**
 * A campaign. Its recipients are its email rows (`emails.campaign_id`, unique per contact), created in
 * batches by the fan-out from an audience snapshot; `fanout_cursor` is the checkpoint a restart resumes from.
 * Stats are derived from the email rows, never only incremented.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    fromEmail: text('from_email').notNull(),
    fromName: text('from_name'),
    replyTo: text('reply_to'),
    templateId: uuid('template_id'),
    type: text('type').$type<'MARKETING' | 'TRANSACTIONAL'>().notNull().default('MARKETING'),
    audienceType: text('audience_type').$type<CampaignAudience>().notNull(),
    segmentId: uuid('segment_id'),
    audienceCondition: jsonb('audience_condition').$type<FilterCondition | null>(),
    status: text('status').$type<CampaignStatus>().notNull().default('DRAFT'),
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }),
    /** When sending started: the audience is taken as of this instant (contacts created later are not included). */
    snapshotAt: timestamp('snapshot_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    totalRecipients: integer('total_recipients').notNull().default(0),
    /** Last contact id materialised into email rows; null before the first batch. */
    fanoutCursor: uuid('fanout_cursor'),
    fanoutDone: boolean('fanout_done').notNull().default(false),
    archived: boolean('archived').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('campaigns_project_created_idx').on(t.projectId, t.createdAt), index('campaigns_status_scheduled_idx').on(t.status, t.scheduledFor)],
);

export type CampaignRow = typeof campaigns.$inferSelect;

/**
 * Token buckets shared by every worker process (e.g. the global transport rate): one row per bucket,
 * taken with a single atomic UPDATE.
 */
export const rateBuckets = pgTable('rate_buckets', {
  key: text('key').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
