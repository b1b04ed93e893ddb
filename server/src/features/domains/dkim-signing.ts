import type { EmailRow } from '../../db/schema/index.js';
import type { PipelineDeps } from '../emails/message-pipeline.js';

/** DKIM-signs a message whose From domain is a verified sending domain of its project (stub: unsigned). */
export async function signForSender(_deps: PipelineDeps, _email: EmailRow, raw: Buffer): Promise<Buffer> {
  return raw;
}
