import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
  },
  (t) => [
    index('events_project_name_created_idx').on(t.projectId, t.name, t.createdAt),
    index('events_contact_created_idx').on(t.contactId, t.createdAt),
    index('events_project_created_idx').on(t.projectId, t.createdAt, t.id),
  ],
);

export type EventRow = typeof events.$inferSelect;
