import type { Executor } from '../../db/client.js';
import { PRIORITY } from '../../jobs/catalog.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity, type Actor } from '../activity/activity.service.js';
import { meterUnits } from '../billing/billing-meter.service.js';
import { describeSuppression, findSuppression } from '../suppressions/suppressions.service.js';
import { insertEmail } from './emails.queries.js';

// The email of a workflow SEND_EMAIL step. Unlike acceptSend it runs inside the caller's transaction
// (the engine's step transaction), so the email row, its delivery job and the step's progress commit
// together: a crash never sends a step's email twice, nor records a step whose email was lost.

export interface WorkflowEmailInput {
  projectId: string;
  /** The enrolled contact (the email is attributed to it even when it goes to a custom address). */
  contactId: string;
  toEmail: string;
  from: { email: string; name: string | null };
  replyTo: string | null;
  subject: string;
  body: string;
  templateId: string | null;
  /** Footer, List-Unsubscribe and the delivery gate's subscription checks. */
  marketing: boolean;
  /** The variables the worker renders subject and body with. */
  renderData: Record<string, unknown>;
  actor: Actor;
  metadata?: Record<string, unknown>;
  /**
   * The workflow execution whose step sends it: events about the email (email.sent, opened, clicked,
   * bounced ...) record it as their cause, so the workflow engine can stop workflows triggering themselves.
   */
  workflowExecutionId?: string | null;
}

/**
 * Writes the email row: SUPPRESSED, without a job, when the address is on the suppression list; FAILED
 * "Billing limit reached …", without a job, when the project's workflow limit is used up. Either way the
 * step completes and the execution goes on (its output says why nothing was sent), rather than the
 * execution failing: the refused email stays visible in Emails and Activity, and later steps still run
 * once the limit is raised or the month turns.
 */
export async function acceptWorkflowEmail(deps: { queue: JobQueue }, tx: Executor, input: WorkflowEmailInput) {
  const listed = await findSuppression(tx, input.projectId, input.toEmail);
  const metered = listed ? { ok: true as const } : await meterUnits(tx, { projectId: input.projectId, actor: input.actor }, 'workflow', 1);
  const refused = metered.ok ? null : metered.message;
  const email = await insertEmail(tx, {
    projectId: input.projectId,
    contactId: input.contactId,
    sourceType: 'WORKFLOW',
    marketing: input.marketing,
    toEmail: input.toEmail.trim().toLowerCase(),
    fromEmail: input.from.email,
    fromName: input.from.name,
    replyTo: input.replyTo,
    subject: input.subject,
    body: input.body,
    templateId: input.templateId,
    renderData: input.renderData,
    workflowExecutionId: input.workflowExecutionId ?? null,
    billableUnits: 1,
    ...(listed ? { status: 'SUPPRESSED' as const, statusReason: describeSuppression(listed) } : {}),
    ...(refused ? { status: 'FAILED' as const, statusReason: refused, failedAt: new Date() } : {}),
  });
  if (!listed && !refused) await deps.queue.enqueue('email.send', { emailId: email.id }, { tx, priority: PRIORITY.workflow });
  const outcome = listed ? 'not sent (suppressed)' : refused ? 'not sent (billing limit reached)' : 'queued';
  await recordActivity(tx, {
    projectId: input.projectId,
    actor: input.actor,
    type: listed ? 'email.suppressed' : refused ? 'email.failed' : 'email.queued',
    summary: `Workflow email "${input.subject.slice(0, 120)}" ${outcome} to ${email.toEmail}`,
    metadata: { emailId: email.id, contactId: input.contactId, ...input.metadata },
  });
  return { emailId: email.id, status: email.status, reason: email.statusReason };
}
