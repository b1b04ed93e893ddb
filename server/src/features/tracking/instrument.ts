import type { EmailRow, ProjectRow } from '../../db/schema/index.js';
import type { PipelineDeps } from '../emails/message-pipeline.js';

/** Adds the open pixel and rewrites links to signed click URLs when tracking applies (stub: unchanged). */
export function instrumentHtml(_deps: PipelineDeps, _project: ProjectRow, _email: EmailRow, html: string): string {
  return html;
}
