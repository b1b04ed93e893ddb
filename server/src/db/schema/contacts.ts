import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects.js';

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    data: jsonb('data').$type<Record<string, unknown> | null>(),
    subscribed: boolean('subscribed').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contacts_project_email_key').on(t.projectId, t.email),
    // Plain ascending: a backward scan serves ORDER BY … DESC (NULLS FIRST); a "DESC NULLS LAST"
    // index would not match Postgres' default DESC ordering and be ignored.
    index('contacts_project_created_idx').on(t.projectId, t.createdAt, t.id),
    // Substring search on email (ILIKE '%…%') at millions of contacts.
    index('contacts_email_trgm_idx').using('gin', sql`${t.email} gin_trgm_ops`),
  ],
);

export type ContactRow = typeof contacts.$inferSelect;
