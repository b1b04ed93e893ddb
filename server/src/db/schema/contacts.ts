import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
    /** Marketing mail pauses until then (set from the hosted manage page). */
    snoozedUntil: timestamp('snoozed_until', { withTimezone: true }),
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

/**
 * Contact counts per project, kept as insert-only delta rows written by statement-level triggers on
 * `contacts` (migration 0004) and merged by a periodic job. Exact totals in O(rows since the last
 * merge) without a hot counter row that concurrent writers would queue on.
 */
export const contactCountDeltas = pgTable(
  'contact_count_deltas',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // No foreign key: the delete trigger must be able to record deltas while a project's contacts are
    // removed in cascade. Rows of deleted projects are dropped by the merge job.
    projectId: uuid('project_id').notNull(),
    total: bigint('total', { mode: 'number' }).notNull(),
    subscribed: bigint('subscribed', { mode: 'number' }).notNull(),
  },
  (t) => [index('contact_count_deltas_project_idx').on(t.projectId)],
);
