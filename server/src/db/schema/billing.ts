import { date, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects.js';

/** Billing categories: the email's source type, plus received mail (`inbound`). */
export type BillingCategory = 'transactional' | 'campaign' | 'workflow' | 'inbound';

/** Monthly limits per category; null = unlimited. One row per project that has set any. */
export const billingLimits = pgTable('billing_limits', {
  projectId: uuid('project_id')
    .primaryKey()
    .references(() => projects.id, { onDelete: 'cascade' }),
  transactional: integer('transactional'),
  campaign: integer('campaign'),
  workflow: integer('workflow'),
  inbound: integer('inbound'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Units used this month per category, kept for limit enforcement: incremented in the accepting
 * transaction (the row lock makes "at most the limit" exact under concurrency) and reconciled from the
 * email rows (the source of truth) by a job and whenever limits change.
 */
export const usageCounters = pgTable(
  'usage_counters',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    category: text('category').$type<BillingCategory>().notNull(),
    /** First day of the month (UTC). */
    period: date('period').notNull(),
    units: integer('units').notNull().default(0),
    reconciledAt: timestamp('reconciled_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.category, t.period] })],
);

/** One 80 % warning and one limit notice per project, category and month. */
export const billingNotices = pgTable(
  'billing_notices',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    category: text('category').$type<BillingCategory>().notNull(),
    period: date('period').notNull(),
    level: text('level').$type<'warning' | 'limit'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.category, t.period, t.level] }), index('billing_notices_project_idx').on(t.projectId)],
);

export type BillingLimitRow = typeof billingLimits.$inferSelect;
