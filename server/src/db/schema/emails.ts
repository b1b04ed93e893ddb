import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { contacts } from './contacts.js';
import { projects } from './projects.js';

export const EMAIL_STATUSES = [
  'PENDING',
  'SENDING',
  'SENT',
  'DELIVERED',
  'BOUNCED',
  'COMPLAINED',
  'FAILED',
  'SUPPRESSED',
] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];
export type EmailSourceType = 'TRANSACTIONAL' | 'CAMPAIGN' | 'WORKFLOW';

export interface EmailAttachment {
  filename: string;
  content: string;
  contentType: string;
  contentId?: string;
  disposition: 'attachment' | 'inline';
}

export const emails = pgTable(
  'emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    sourceType: text('source_type').$type<EmailSourceType>().notNull().default('TRANSACTIONAL'),
    toEmail: text('to_email').notNull(),
    toName: text('to_name'),
    fromEmail: text('from_email').notNull(),
    fromName: text('from_name'),
    replyTo: text('reply_to'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    headers: jsonb('headers').$type<Record<string, string> | null>(),
    // Data snapshot taken when the email was accepted; the worker renders against it, once.
    renderData: jsonb('render_data').$type<Record<string, unknown>>().notNull(),
    templateId: uuid('template_id'),
    /** [{filename, content (base64), contentType, contentId?, disposition}] — kept until sent. */
    attachments: jsonb('attachments').$type<EmailAttachment[] | null>(),
    status: text('status').$type<EmailStatus>().notNull().default('PENDING'),
    statusReason: text('status_reason'),
    messageId: text('message_id').unique(),
    attempts: integer('attempts').notNull().default(0),
    requestId: text('request_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sendingAt: timestamp('sending_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    /** Set for campaign mail; (campaign_id, contact_id) is unique, so a fan-out batch can be replayed safely. */
    campaignId: uuid('campaign_id'),
    /** The workflow execution whose SEND_EMAIL step created this email (events about it carry it on). */
    workflowExecutionId: uuid('workflow_execution_id'),
    /** Billing units: 2 with attachments, else 1 (attachments are dropped once the email settles). */
    billableUnits: integer('billable_units').notNull().default(1),
    /** Marketing mail (campaigns, MARKETING templates): List-Unsubscribe, footer, subscription checks. */
    marketing: boolean('marketing').notNull().default(false),
    /** Per-email tracking override; null follows the project's tracking mode. */
    trackingOverride: boolean('tracking_override'),
    /** The provider's id when it is not our Message-ID (SES), for matching its notifications. */
    providerMessageId: text('provider_message_id'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    bouncedAt: timestamp('bounced_at', { withTimezone: true }),
    bounceType: text('bounce_type'),
    complainedAt: timestamp('complained_at', { withTimezone: true }),
    /** First human open/click; machine ones (proxies, scanners, prefetch) only count in the totals. */
    openedAt: timestamp('opened_at', { withTimezone: true }),
    clickedAt: timestamp('clicked_at', { withTimezone: true }),
    opens: integer('opens').notNull().default(0),
    humanOpens: integer('human_opens').notNull().default(0),
    clicks: integer('clicks').notNull().default(0),
    humanClicks: integer('human_clicks').notNull().default(0),
  },
  (t) => [
    index('emails_project_created_idx').on(t.projectId, t.createdAt),
    index('emails_contact_idx').on(t.contactId),
    index('emails_status_idx').on(t.status),
    index('emails_provider_message_idx').on(t.providerMessageId),
    index('emails_project_sent_idx').on(t.projectId, t.sentAt),
    uniqueIndex('emails_campaign_contact_unique').on(t.campaignId, t.contactId).where(sql`${t.campaignId} is not null`),
    index('emails_campaign_status_idx').on(t.campaignId, t.status),
  ],
);

export type EmailRow = typeof emails.$inferSelect;

/** Raw MIME of messages handed to the `inbox` transport (the Dev Inbox). */
export const inboxMessages = pgTable(
  'inbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    emailId: uuid('email_id').references(() => emails.id, { onDelete: 'cascade' }),
    messageId: text('message_id').notNull(),
    envelopeFrom: text('envelope_from').notNull(),
    envelopeTo: text('envelope_to').notNull(),
    subject: text('subject').notNull(),
    raw: text('raw').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('inbox_messages_project_created_idx').on(t.projectId, t.createdAt)],
);
