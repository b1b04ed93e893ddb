import type { EmailRow } from '../../db/schema/index.js';
import type { PipelineDeps } from '../emails/message-pipeline.js';

/** The envelope sender (stub: the From address; VERP on the return-path host comes with bounces). */
export async function returnPathFor(_deps: PipelineDeps, email: EmailRow): Promise<string> {
  return email.fromEmail;
}
