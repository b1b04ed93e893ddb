import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
     */
    dispatchPending: boolean('dispatch_pending').notNull().default(false),
  },
  (t) => [
    index('events_project_name_created_idx').on(t.projectId, t.name, t.createdAt),
    index('events_contact_created_idx').on(t.contactId, t.createdAt),
    index('events_project_created_idx').on(t.projectId, t.createdAt, t.id),
    index('events_dispatch_pending_idx').on(t.createdAt).where(sql`${t.dispatchPending}`),
  ],
);

export type EventRow = typeof events.$inferSelect;
