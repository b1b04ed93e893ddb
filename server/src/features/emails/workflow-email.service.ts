import type { Executor } from '../../db/client.js';
import { PRIORITY } from '../../jobs/catalog.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity, type Actor } from '../activity/activity.service.js';
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

/** Writes the email row (SUPPRESSED, without a job, when the address is on the suppression list). */
export async function acceptWorkflowEmail(deps: { queue: JobQueue }, tx: Executor, input: WorkflowEmailInput) {
  const listed = await findSuppression(tx, input.projectId, input.toEmail);
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
    ...(listed ? { status: 'SUPPRESSED' as const, statusReason: describeSuppression(listed) } : {}),
  });
  if (!listed) await deps.queue.enqueue('email.send', { emailId: email.id }, { tx, priority: PRIORITY.workflow });
  await recordActivity(tx, {
    projectId: input.projectId,
    actor: input.actor,
    type: listed ? 'email.suppressed' : 'email.queued',
    summary: `Workflow email "${input.subject.slice(0, 120)}" ${listed ? 'not sent (suppressed)' : 'queued'} to ${email.toEmail}`,
    metadata: { emailId: email.id, contactId: input.contactId, ...input.metadata },
  });
  return { emailId: email.id, status: email.status, reason: email.statusReason };
}
