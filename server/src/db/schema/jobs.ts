import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects.js';

export type BackgroundJobStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

/**
 * User-visible long work (CSV imports, bulk contact actions): status and progress the API shows
 * while pg-boss runs the job. Rows are per project and never hold file contents after completion.
 */
export const backgroundJobs = pgTable(
  'background_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    status: text('status').$type<BackgroundJobStatus>().notNull().default('QUEUED'),
    /** Units done so far and in all (rows of a CSV, contacts of a bulk action). */
    processed: integer('processed').notNull().default(0),
    total: integer('total'),
    /** Input the job needs (e.g. the CSV text, the filter); cleared when the job ends. */
    input: jsonb('input'),
    /** Outcome: counts, and per-row errors capped to a reasonable number. */
    result: jsonb('result'),
    error: text('error'),
    requestId: text('request_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('background_jobs_project_created_idx').on(t.projectId, t.createdAt)],
);

export type BackgroundJobRow = typeof backgroundJobs.$inferSelect;
