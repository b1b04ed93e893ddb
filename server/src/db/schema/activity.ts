import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects.js';

export type ActorType = 'secret_key' | 'public_key' | 'user' | 'cli' | 'system';

/** Audit trail: who did what, when, through which request. Never holds a secret. */
export const activities = pgTable(
  'activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    actorType: text('actor_type').$type<ActorType>().notNull(),
    actorId: text('actor_id'),
    summary: text('summary').notNull(),
    requestId: text('request_id'),
    ip: text('ip'),
    metadata: jsonb('metadata').$type<Record<string, unknown> | null>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('activities_project_created_idx').on(t.projectId, t.createdAt),
    index('activities_project_type_idx').on(t.projectId, t.type),
    index('activities_project_request_idx').on(t.projectId, t.requestId),
  ],
);
