import type { Db } from '../../db/client.js';

/**
 * Feedback about sent mail, from any source (SMTP reply at handoff, DSN or ARF by mail, SES via SNS).
 * Status only moves forward (DECISIONS §4): a bounce or complaint never becomes "delivered" again.
 * (stub: the suppressions helper implements these)
 */
export interface FeedbackSource {
  /** smtp | dsn | arf | sns */
  source: string;
  reason: string;
  at?: Date;
}

/** Finds the email by our id, our Message-ID or the provider's message id. */
export type EmailRef = { emailId: string } | { messageId: string } | { providerMessageId: string };

export async function applyBounce(_db: Db, _ref: EmailRef, _bounce: FeedbackSource & { hard: boolean }): Promise<'applied' | 'duplicate' | 'unknown'> {
  return 'unknown';
}

export async function applyComplaint(_db: Db, _ref: EmailRef, _complaint: FeedbackSource): Promise<'applied' | 'duplicate' | 'unknown'> {
  return 'unknown';
}

export async function applyDelivery(_db: Db, _ref: EmailRef, _at: Date): Promise<'applied' | 'duplicate' | 'unknown'> {
  return 'unknown';
}
