import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * API request log (method, path, status, duration, auth kind, IP), kept 30 days.
 * No foreign key to projects: rows are written in batches after the response, and a
 * project deleted meanwhile must not fail the batch; project deletion removes its rows.
 */
export const apiRequests = pgTable(
  'api_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: text('request_id').notNull(),
    projectId: uuid('project_id'),
    userId: uuid('user_id'),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: integer('status').notNull(),
    durationMs: integer('duration_ms').notNull(),
    authType: text('auth_type'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    errorCode: text('error_code'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('api_requests_project_created_idx').on(t.projectId, t.createdAt), index('api_requests_created_idx').on(t.createdAt)],
);

export type ApiRequestRow = typeof apiRequests.$inferSelect;
