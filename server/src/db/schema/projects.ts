import { boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export type TrackingMode = 'ENABLED' | 'DISABLED' | 'MARKETING_ONLY';

export const projects = pgTable('projects', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  // SHA-256 hex of each key, for lookup; AES-GCM ciphertext so members can see the keys again.
  publicKeyHash: text('public_key_hash').notNull().unique(),
  secretKeyHash: text('secret_key_hash').notNull().unique(),
  publicKeyEncrypted: text('public_key_encrypted').notNull(),
  secretKeyEncrypted: text('secret_key_encrypted').notNull(),
  keysRotatedAt: timestamp('keys_rotated_at', { withTimezone: true }).notNull().defaultNow(),
  defaultFrom: text('default_from'),
  defaultFromName: text('default_from_name'),
  disabled: boolean('disabled').notNull().default(false),
  // The instance's own project: sends account mail (password resets, invitations); never listed to users.
  isSystem: boolean('is_system').notNull().default(false),
  /** ENABLED | DISABLED | MARKETING_ONLY (opens and clicks only on marketing mail). */
  tracking: text('tracking').$type<TrackingMode>().notNull().default('ENABLED'),
  /** Shown in the footer of marketing mail (required by CAN-SPAM and the mailbox providers' rules). */
  postalAddress: text('postal_address'),
  /** Language of hosted pages (unsubscribe, manage). */
  language: text('language').notNull().default('en'),
  /** Set by the reputation guard: marketing sends pause, transactional mail keeps flowing. */
  marketingPausedAt: timestamp('marketing_paused_at', { withTimezone: true }),
  marketingPausedReason: text('marketing_paused_reason'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ProjectRow = typeof projects.$inferSelect;
