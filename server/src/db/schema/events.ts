import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { contacts } from './contacts.js';
import { projects } from './projects.js';

export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    emailId: uuid('email_id'),
    name: text('name').notNull(),
    data: jsonb('data').$type<Record<string, unknown> | null>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The outbox flag: true while the event still has to be offered to workflows (enrolment, or a
     * WAIT_FOR_EVENT of its contact). Set by the `events_mark_dispatch` trigger (migration 0009) in the
     * inserting transaction, so no insert path can forget it; cleared by the workflow dispatcher.
     * The default is NULL on purpose (the column stays NOT NULL): the trigger runs only for rows that
     * leave a flag NULL, so a batch insert that computes both flags set-based (/v1/track) skips the
     * per-row trigger work (migration 0012).
     */
    dispatchPending: boolean('dispatch_pending').notNull().default(sql`null`),
    /** Failed dispatch attempts; after the 8th the event is dead-lettered (`dispatch_failed_at`). */
    dispatchAttempts: integer('dispatch_attempts').notNull().default(0),
    /** Backoff: not retried before this time (database clock). */
    dispatchAfter: timestamp('dispatch_after', { withTimezone: true }),
    dispatchError: text('dispatch_error'),
    dispatchFailedAt: timestamp('dispatch_failed_at', { withTimezone: true }),
    /**
     * The workflow execution whose step caused this event (set by the trigger from the transaction's
     * `mailwright.execution_id` setting, or from the email's execution). Bounds workflow chains.
     */
    sourceExecutionId: uuid('source_execution_id'),
    /** Outbox flag for outbound webhooks: an enabled endpoint of the project subscribes to this event (trigger). */
    webhookPending: boolean('webhook_pending').notNull().default(sql`null`),
  },
  (t) => [
    index('events_project_name_created_idx').on(t.projectId, t.name, t.createdAt),
    index('events_contact_created_idx').on(t.contactId, t.createdAt),
    index('events_project_created_idx').on(t.projectId, t.createdAt, t.id),
    index('events_dispatch_pending_idx').on(t.createdAt).where(sql`${t.dispatchPending}`),
    index('events_webhook_pending_idx').on(t.createdAt).where(sql`${t.webhookPending}`),
  ],
);

export type EventRow = typeof events.$inferSelect;
