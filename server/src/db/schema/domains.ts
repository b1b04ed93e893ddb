import { index, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects.js';

export type DomainStatus = 'PENDING' | 'VERIFIED' | 'FAILED';
export type DnsRecordKind = 'DKIM' | 'SPF' | 'RETURN_PATH_MX' | 'RETURN_PATH_SPF' | 'DMARC';

/** One DNS record the owner must publish, and what the last check found. */
export interface DomainRecordState {
  kind: DnsRecordKind;
  type: 'TXT' | 'MX';
  host: string;
  value: string;
  /** DMARC is recommended, not required for verification. */
  required: boolean;
  status: 'PENDING' | 'VERIFIED' | 'MISSING' | 'MISMATCH';
  found?: string[];
}

/**
 * A sending domain. We generate and keep its DKIM key (RSA-2048, encrypted with the master key) and
 * sign ourselves; bounces come back to a VERP address on the return-path host.
 */
export const domains = pgTable(
  'domains',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    domain: text('domain').notNull(),
    selector: text('selector').notNull(),
    dkimPrivateKeyEncrypted: text('dkim_private_key_encrypted').notNull(),
    /** Base64 SubjectPublicKeyInfo, the `p=` of the DKIM record. */
    dkimPublicKey: text('dkim_public_key').notNull(),
    returnPathHost: text('return_path_host').notNull(),
    status: text('status').$type<DomainStatus>().notNull().default('PENDING'),
    records: jsonb('records').$type<DomainRecordState[]>().notNull(),
    failureReason: text('failure_reason'),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('domains_project_domain_unique').on(t.projectId, t.domain), index('domains_domain_idx').on(t.domain), index('domains_return_path_idx').on(t.returnPathHost)],
);

export type DomainRow = typeof domains.$inferSelect;

export type SuppressionReason = 'HARD_BOUNCE' | 'COMPLAINT' | 'MANUAL' | 'UNSUBSCRIBE';

/** Per-project addresses that are never handed to a transport. */
export const suppressions = pgTable(
  'suppressions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    reason: text('reason').$type<SuppressionReason>().notNull(),
    /** Where it came from: api, import, smtp, dsn, arf, sns, dashboard. */
    source: text('source').notNull(),
    emailId: uuid('email_id'),
    details: text('details'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('suppressions_project_email_unique').on(t.projectId, t.email), index('suppressions_project_created_idx').on(t.projectId, t.createdAt)],
);

export type SuppressionRow = typeof suppressions.$inferSelect;

/** SNS notifications already applied (idempotent receipts by MessageId). */
export const snsReceipts = pgTable(
  'sns_receipts',
  {
    messageId: text('message_id').notNull(),
    topicArn: text('topic_arn').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messageId] }), index('sns_receipts_received_idx').on(t.receivedAt)],
);
