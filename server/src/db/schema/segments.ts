import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { contacts } from './contacts.js';
import { projects } from './projects.js';

export type SegmentType = 'DYNAMIC' | 'STATIC';

/** The filter grammar of notes §4.14: `{ logic, groups: [{ filters, conditions? }] }`. */
export interface FilterCondition {
  logic: 'AND' | 'OR';
  groups: { filters: { field: string; operator: string; value?: unknown; unit?: 'days' | 'hours' | 'minutes' }[]; conditions?: FilterCondition }[];
}

export const segments = pgTable(
  'segments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    /** Names the membership events: `segment.<slug>.entry` / `.exit`. */
    slug: text('slug').notNull(),
    type: text('type').$type<SegmentType>().notNull().default('DYNAMIC'),
    condition: jsonb('condition').$type<FilterCondition | null>(),
    trackMembership: boolean('track_membership').notNull().default(false),
    /** Cached; refreshed by a job and on every change. */
    memberCount: integer('member_count').notNull().default(0),
    memberCountAt: timestamp('member_count_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('segments_project_slug_unique').on(t.projectId, t.slug), index('segments_project_created_idx').on(t.projectId, t.createdAt)],
);

/**
 * STATIC segments' members, and the last computed members of tracked DYNAMIC segments. A row that
 * exits keeps `exited_at`; re-entry reopens it.
 */
export const segmentMemberships = pgTable(
  'segment_memberships',
  {
    segmentId: uuid('segment_id')
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').notNull(),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull().defaultNow(),
    exitedAt: timestamp('exited_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.contactId] }), index('segment_memberships_contact_idx').on(t.contactId), index('segment_memberships_segment_entered_idx').on(t.segmentId, t.enteredAt)],
);

export type SegmentRow = typeof segments.$inferSelect;
export type SegmentMembershipRow = typeof segmentMemberships.$inferSelect;
