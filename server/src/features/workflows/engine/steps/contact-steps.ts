import type { Db } from '../../../../db/client.js';
import { getContact } from '../../../contacts/contact-list.service.js';
import { updateContact } from '../../../contacts/contact-writes.service.js';
import { acceptWorkflowEmail } from '../../../emails/workflow-email.service.js';
import { findProject } from '../../../projects/projects.service.js';
import { templateData } from '../step-data.js';
import { parseStepConfig } from './step-config-parse.js';
import { StepFailure, type StepContext, type StepHandler } from './step-types.js';

const actorOf = (ctx: StepContext) => ({ type: 'system' as const, id: `workflow:${ctx.execution.workflowId}` });

/**
 * SEND_EMAIL: the snapshot's template to the contact (a MARKETING template skips an unsubscribed
 * contact) or to a custom address (no subscription check; not marketing mail, since its unsubscribe
 * link would act on the enrolled contact). The email row and its job commit with the step.
 */
export const runSendEmail: StepHandler = async (ctx) => {
  const { tx, execution, step } = ctx;
  const config = parseStepConfig('SEND_EMAIL', step.config);
  const template = step.template;
  if (!step.templateId || !template) throw new StepFailure('SEND_EMAIL step has no template (or its template was deleted before enrolment)');
  const contact = await getContact(tx, execution.projectId, execution.contactId);
  const recipientType = config.recipient?.type ?? 'CONTACT';
  const custom = recipientType === 'CUSTOM';
  const recipientEmail = custom ? config.recipient!.customEmail! : contact.email;
  if (!custom && template.type === 'MARKETING' && !contact.subscribed) {
    return { kind: 'skipped', output: { skipped: true, reason: 'unsubscribed', recipientType, recipientEmail } };
  }
  const project = await findProject(tx as unknown as Db, execution.projectId);
  const fromEmail = template.from ?? project?.defaultFrom;
  if (!fromEmail) throw new StepFailure('SEND_EMAIL step has no sender: the template has no from address and the project no default');
  const accepted = await acceptWorkflowEmail(ctx.deps, tx, {
    projectId: execution.projectId,
    contactId: contact.id,
    toEmail: recipientEmail,
    from: { email: fromEmail, name: template.fromName ?? project?.defaultFromName ?? project?.name ?? null },
    replyTo: template.replyTo,
    subject: template.subject,
    body: template.body,
    templateId: template.id,
    marketing: !custom && template.type === 'MARKETING',
    renderData: templateData(contact, execution.context),
    actor: actorOf(ctx),
    metadata: { workflowId: execution.workflowId, executionId: execution.id, stepId: step.id },
    // Events about this email (email.sent, opened, ...) are attributed to the execution: see chain.ts.
    workflowExecutionId: execution.id,
  });
  return {
    kind: 'completed',
    output: { emailId: accepted.emailId, recipientType, recipientEmail, ...(accepted.status === 'SUPPRESSED' || accepted.status === 'FAILED' ? { status: accepted.status, reason: accepted.reason } : {}) },
  };
};

/**
 * UPDATE_CONTACT: the same write as PATCH /contacts/:id (its merge rules, its subscription events on
 * a real flip, its audit row), inside the step's transaction.
 */
export const runUpdateContact: StepHandler = async (ctx) => {
  const { tx, execution, step } = ctx;
  const config = parseStepConfig('UPDATE_CONTACT', step.config);
  const action = config.subscriptionAction ?? 'none';
  const subscribed = action === 'subscribe' ? true : action === 'unsubscribe' ? false : undefined;
  const updates = config.updates && Object.keys(config.updates).length ? config.updates : undefined;
  const before = await getContact(tx, execution.projectId, execution.contactId);
  const after = await updateContact({ db: tx as unknown as Db }, { projectId: execution.projectId, actor: actorOf(ctx) }, execution.contactId, {
    data: updates,
    subscribed,
  });
  return {
    kind: 'completed',
    output: {
      updatedFields: Object.keys(updates ?? {}),
      subscriptionAction: action,
      subscribed: after.subscribed,
      subscriptionChanged: before.subscribed !== after.subscribed,
    },
  };
};
