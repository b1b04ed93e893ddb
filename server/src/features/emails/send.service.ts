import { AppError, validationError } from '../../core/errors.js';
import type { Db } from '../../db/client.js';
import type { EmailAttachment, ProjectRow, TemplateRow } from '../../db/schema/index.js';
import { PRIORITY } from '../../jobs/catalog.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity, type ActivityInput, type ProjectActionContext } from '../activity/activity.service.js';
import { billableUnitsFor } from '../billing/billing-period.js';
import { assertWithinLimit } from '../billing/billing-meter.service.js';
import { renderDataFor, upsertContact } from '../contacts/contacts.service.js';
import { contactUpsertEffects, recordContactUpsertEffects } from '../events/events.service.js';
import { describeSuppression, findSuppression, findSuppressions } from '../suppressions/suppressions.service.js';
import { getTemplate } from '../templates/templates.service.js';
import type { SendBody } from './emails.schemas.js';
import { insertEmail } from './emails.queries.js';
import { assertSenderAllowed } from './sender-policy.js';

export interface SendDeps {
  db: Db;
  queue: JobQueue;
}

interface Mailbox {
  email: string;
  name?: string | null;
}

const toMailbox = (a: string | { email: string; name?: string }): Mailbox =>
  typeof a === 'string' ? { email: a } : { email: a.email, name: a.name ?? null };

/** Request `from`, else the template's sender, else the project's default; a send with none is refused. */
function resolveSender(project: ProjectRow, body: SendBody, template: TemplateRow | null): Mailbox {
  if (body.from) {
    const from = toMailbox(body.from);
    return { email: from.email, name: from.name ?? body.name ?? template?.fromName ?? project.defaultFromName ?? null };
  }
  if (template) return { email: template.from, name: body.name ?? template.fromName ?? project.defaultFromName ?? project.name };
  if (project.defaultFrom) return { email: project.defaultFrom, name: body.name ?? project.defaultFromName ?? project.name };
  throw validationError([
    { field: 'from', code: 'required', message: 'Sender email is required: pass `from` or set a default sender on the project' },
  ]);
}

/** What the email says: explicit request fields win over the template's. */
function resolveContent(body: SendBody, template: TemplateRow | null) {
  const subject = body.subject ?? template?.subject;
  const html = body.body ?? template?.body;
  // The schema guarantees this; kept as a guard for callers that bypass it.
  if (subject === undefined || html === undefined) {
    throw validationError([{ field: 'template', code: 'custom', message: 'Either template ID or both subject and body are required' }]);
  }
  return { subject, html, replyTo: body.reply ?? template?.replyTo ?? null };
}

/** Plunk's rule: a MARKETING template never goes to an unsubscribed contact; other sends go regardless. */
function assertMayReceive(template: TemplateRow | null, contact: { email: string; subscribed: boolean }) {
  if (template?.type === 'MARKETING' && !contact.subscribed) {
    throw new AppError(
      'BAD_REQUEST',
      `Cannot send marketing template to unsubscribed contact ${contact.email}. Use a transactional template or send without a template.`,
    );
  }
}

const toStoredAttachments = (list: SendBody['attachments']): EmailAttachment[] | null =>
  list?.length
    ? list.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType, ...(a.contentId ? { contentId: a.contentId } : {}), disposition: a.disposition }))
    : null;

/**
 * Accepts a send: one contact upsert and one email row per recipient, each with its delivery job,
 * all in one transaction — the response is only a 200 once everything it promises is stored.
 */
export async function acceptSend(deps: SendDeps, ctx: ProjectActionContext & { project: ProjectRow }, body: SendBody) {
  const template = body.template ? await getTemplate(deps.db, ctx.projectId, body.template) : null;
  const content = resolveContent(body, template);
  const sender = resolveSender(ctx.project, body, template);
  const attachments = toStoredAttachments(body.attachments);
  await assertSenderAllowed(deps, ctx.project, sender.email);
  const recipients = (Array.isArray(body.to) ? body.to : [body.to]).map(toMailbox);

  return deps.db.transaction(async (tx) => {
    const accepted: { contact: { id: string; email: string }; email: string }[] = [];
    // Contact audit rows wait for the email ones: all go in one insert at the end.
    const contactAudit: ActivityInput[] = [];
    // A suppressed recipient still gets its email row (SUPPRESSED, with the reason) but no delivery job.
    const suppressed = await findSuppressions(tx, ctx.projectId, recipients.map((r) => r.email));
    const suppressedIds = new Set<string>();
    for (const to of recipients) {
      const data = to.name ? { ...(body.data ?? {}), name: to.name } : body.data;
      const result = await upsertContact(tx, {
        projectId: ctx.projectId,
        email: to.email,
        data,
        subscribed: body.subscribed,
        subscribedWhenNew: false,
      });
      contactAudit.push(...(await contactUpsertEffects(tx, ctx, result)));
      const { contact } = result;
      assertMayReceive(template, contact);
      const listed = suppressed.get(contact.email.toLowerCase());
      const email = await insertEmail(tx, {
        projectId: ctx.projectId,
        contactId: contact.id,
        sourceType: 'TRANSACTIONAL',
        // MARKETING templates make marketing mail (List-Unsubscribe, footer); campaigns and workflows set it too.
        marketing: template?.type === 'MARKETING',
        trackingOverride: body.tracking ?? null,
        toEmail: contact.email,
        toName: to.name ?? null,
        fromEmail: sender.email,
        fromName: sender.name ?? null,
        replyTo: content.replyTo,
        subject: content.subject,
        body: content.html,
        headers: body.headers ?? null,
        templateId: template?.id ?? null,
        attachments,
        billableUnits: billableUnitsFor(attachments),
        renderData: renderDataFor(contact, result.temporaryData),
        requestId: ctx.requestId ?? null,
        ...(listed ? { status: 'SUPPRESSED' as const, statusReason: describeSuppression(listed), attachments: null } : {}),
      });
      if (listed) suppressedIds.add(email.id);
      else await deps.queue.enqueue('email.send', { emailId: email.id }, { tx, priority: PRIORITY.transactional });
      accepted.push({ contact: { id: contact.id, email: contact.email }, email: email.id });
    }
    // Last, so the counter row (a project-wide lock when there is a limit) is held only until commit.
    await assertWithinLimit(tx, ctx, 'transactional', (accepted.length - suppressedIds.size) * billableUnitsFor(attachments));
    await recordActivity(tx, [
      ...contactAudit,
      ...accepted.map((a) => ({
        projectId: ctx.projectId,
        actor: ctx.actor,
        requestId: ctx.requestId,
        ip: ctx.ip,
        type: suppressedIds.has(a.email) ? 'email.suppressed' : 'email.queued',
        summary: `Email "${content.subject.slice(0, 120)}" ${suppressedIds.has(a.email) ? 'not sent (suppressed)' : 'queued'} to ${a.contact.email}`,
        metadata: { emailId: a.email, contactId: a.contact.id, ...(template ? { templateId: template.id } : {}) },
      })),
    ]);
    return { emails: accepted, timestamp: new Date().toISOString() };
  });
}

/** One email whose content the caller prepared (campaign test sends); it takes the same path as acceptSend's. */
export interface PreparedEmail {
  to: string;
  subject: string;
  body: string;
  from: { email: string; name?: string | null };
  replyTo: string | null;
  headers: Record<string, string> | null;
  /** Footer, List-Unsubscribe and the delivery gate's marketing rules. */
  marketing: boolean;
  trackingOverride: boolean | null;
  /** What the activity row says about it. */
  summary: string;
  metadata?: Record<string, unknown>;
}

/**
 * Accepts a prepared email for one recipient, like acceptSend: contact upsert (a new contact starts
 * unsubscribed), the email row with its data snapshot, the delivery job at transactional priority,
 * all in one transaction. A suppressed address gets its row as SUPPRESSED and no job.
 */
export async function acceptPreparedEmail(deps: SendDeps, ctx: ProjectActionContext, input: PreparedEmail) {
  return deps.db.transaction(async (tx) => {
    const result = await upsertContact(tx, { projectId: ctx.projectId, email: input.to, subscribedWhenNew: false });
    await recordContactUpsertEffects(tx, ctx, result);
    const { contact } = result;
    const listed = await findSuppression(tx, ctx.projectId, contact.email);
    const email = await insertEmail(tx, {
      projectId: ctx.projectId,
      contactId: contact.id,
      sourceType: 'TRANSACTIONAL',
      marketing: input.marketing,
      trackingOverride: input.trackingOverride,
      toEmail: contact.email,
      fromEmail: input.from.email,
      fromName: input.from.name ?? null,
      replyTo: input.replyTo,
      subject: input.subject,
      body: input.body,
      headers: input.headers,
      renderData: renderDataFor(contact, {}),
      billableUnits: 1,
      requestId: ctx.requestId ?? null,
      ...(listed ? { status: 'SUPPRESSED' as const, statusReason: describeSuppression(listed) } : {}),
    });
    // Campaign test sends take this path: they are real emails, billed as transactional (their source type).
    if (!listed) await assertWithinLimit(tx, ctx, 'transactional', 1);
    if (!listed) await deps.queue.enqueue('email.send', { emailId: email.id }, { tx, priority: PRIORITY.transactional });
    await recordActivity(tx, {
      projectId: ctx.projectId,
      actor: ctx.actor,
      requestId: ctx.requestId,
      ip: ctx.ip,
      type: listed ? 'email.suppressed' : 'email.queued',
      summary: `${input.summary} ${listed ? 'not sent (suppressed)' : 'queued'} to ${contact.email}`,
      metadata: { emailId: email.id, contactId: contact.id, ...input.metadata },
    });
    return { emailId: email.id, contactId: contact.id, status: email.status, reason: email.statusReason };
  });
}
