import type { EmailRow } from '../../db/schema/index.js';
import type { PipelineDeps } from '../emails/message-pipeline.js';
import { verpAddress } from './verp.js';

/**
 * The envelope sender (MAIL FROM): a VERP address `bounces+<token>@<host>` so bounces find their email.
 * `host` is the verified sending domain's return-path host; without one, `MX_HOST`, or the public URL's
 * host when our MX listener runs (`SMTP_MX_PORT`). With none of those (null) nobody would receive the
 * bounces, so the From address stays the envelope sender.
 */
export function returnPathFor(deps: Pick<PipelineDeps, 'masterKey'>, email: EmailRow, host: string | null): string {
  return host ? verpAddress(deps.masterKey, email.id, host) : email.fromEmail;
}
