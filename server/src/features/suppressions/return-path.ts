import type { EmailRow } from '../../db/schema/index.js';
import { returnPathHostFor } from '../domains/return-path-host.service.js';
import type { PipelineDeps } from '../emails/message-pipeline.js';
import { verpAddress } from './verp.js';

/**
 * The envelope sender (MAIL FROM): a VERP address `bounces+<token>@<host>` so bounces find their email.
 * The host is the verified sending domain's return-path host; without one, `MX_HOST`, or the public
 * URL's host when our MX listener runs (`SMTP_MX_PORT`). With none of those nobody would receive the
 * bounces, so the From address stays the envelope sender.
 */
export async function returnPathFor(deps: PipelineDeps, email: EmailRow): Promise<string> {
  const host = (await returnPathHostFor(deps.db, email.projectId, email.fromEmail)) ?? deps.config.mx?.verpFallbackHost;
  return host ? verpAddress(deps.masterKey, email.id, host) : email.fromEmail;
}
