import type { EmailRow, ProjectRow } from '../../db/schema/index.js';
import type { PipelineDeps } from '../emails/message-pipeline.js';

export interface MarketingExtras {
  headers: Record<string, string>;
  footerHtml: string;
  footerText: string;
}

/** List-Unsubscribe headers, Precedence and the footer for marketing mail; null for transactional (stub). */
export async function marketingExtras(_deps: PipelineDeps, _project: ProjectRow, _email: EmailRow): Promise<MarketingExtras | null> {
  return null;
}
