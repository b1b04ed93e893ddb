import { randomUUID } from 'node:crypto';
import { AppError, validationError } from '../../core/errors.js';
import { queryPrepared, type Executor, type Tx } from '../../db/client.js';
import type { EmailAttachment, ProjectRow, TemplateRow } from '../../db/schema/index.js';
import { PRIORITY } from '../../jobs/catalog.js';
import type { JobQueue } from '../../jobs/queue.js';
import { activitiesInsertText, activityRowsJson, type ActivityInput, type ProjectActionContext } from '../activity/activity.service.js';
import { billableUnitsFor } from '../billing/billing-period.js';
import { assertWithinLimit } from '../billing/billing-meter.service.js';
import { prepareContactUpsert, renderDataFor, upsertPreparedContacts, type PreparedContactUpsert } from '../contacts/contacts.service.js';
import { contactUpsertEffects } from '../events/events.service.js';
import { describeSuppression, findSuppressions } from '../suppressions/suppressions.service.js';
import { getTemplate } from '../templates/templates.service.js';
import type { SendBody } from './emails.schemas.js';
import { acceptedEmailsInsertText, type AcceptedEmail } from './emails.queries.js';
import { assertSenderAllowed, type SenderPolicyDeps } from './sender-policy.js';

// A /v1/send request in two halves: `prepareSend` checks and resolves what needs no transaction
// (template, sender, content, contact data), `storeSends` writes one or many prepared requests in the
// caller's transaction with one statement per kind of row, so concurrent requests can share them.

export type SendContext = ProjectActionContext & { project: ProjectRow };

interface Mailbox {
  email: string;
  name?: string | null;
}

export interface PreparedSend {
  ctx: SendContext;
  body: SendBody;
  template: TemplateRow | null;
  content: { subject: string; html: string; replyTo: string | null };
  sender: Mailbox;
  attachments: EmailAttachment[] | null;
  recipients: { to: Mailbox; contact: PreparedContactUpsert }[];
}

export interface SendAccepted {
  emails: { contact: { id: string; email: string }; email: string }[];
  timestamp: string;
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

/** Everything about a send that can be refused before a transaction: template, sender policy, content, contact data. */
export async function prepareSend(deps: SenderPolicyDeps, ctx: SendContext, body: SendBody): Promise<PreparedSend> {
  const template = body.template ? await getTemplate(deps.db, ctx.projectId, body.template) : null;
  const content = resolveContent(body, template);
  const sender = resolveSender(ctx.project, body, template);
  const attachments = toStoredAttachments(body.attachments);
  await assertSenderAllowed(deps, ctx.project, sender.email);
  const recipients = (Array.isArray(body.to) ? body.to : [body.to]).map(toMailbox).map((to) => ({
    to,
    contact: prepareContactUpsert({
      projectId: ctx.projectId,
      email: to.email,
      data: to.name ? { ...(body.data ?? {}), name: to.name } : body.data,
      subscribed: body.subscribed,
      subscribedWhenNew: false,
    }),
  }));
  return { ctx, body, template, content, sender, attachments, recipients };
}

/** The emails and their audit rows in one prepared statement: a round trip fewer on the hot path. */
const ACCEPT_SQL = `with accepted as (${acceptedEmailsInsertText('$1')}) ${activitiesInsertText('$2')}`;

export type SuppressedRecipients = Awaited<ReturnType<typeof suppressionsByProject>>;

/** The suppression entries of every recipient of these sends, keyed by `project\nemail`. */
export function lookupSuppressions(db: Executor, sends: PreparedSend[]): Promise<SuppressedRecipients> {
  return suppressionsByProject(db, sends.flatMap((s) => s.recipients.map((r) => ({ projectId: s.ctx.projectId, email: r.contact.params.email }))));
}

/**
 * Stores prepared sends in the caller's transaction: the contact upserts, the email rows (a suppressed
 * recipient gets its row as SUPPRESSED with the reason, and no job), their delivery jobs, the billing
 * count and the audit rows — one statement of each kind for all of them. Any refusal throws and the
 * caller's transaction rolls back everything. `suppressions` may come from `lookupSuppressions` run
 * beside the transaction (read committed either way); without it they are read in the transaction.
 */
export async function storeSends(
  deps: { queue: JobQueue },
  tx: Tx,
  sends: PreparedSend[],
  suppressions?: Promise<SuppressedRecipients>,
): Promise<SendAccepted[]> {
  const flat = sends.flatMap((send, sendIndex) => send.recipients.map((r) => ({ send, sendIndex, to: r.to, upsert: r.contact })));
  const upserted = await upsertPreparedContacts(tx, flat.map((f) => f.upsert));
  const suppressed = await (suppressions ?? lookupSuppressions(tx, sends));
  // Contact audit rows come before the email ones, as a single request writes them.
  const contactAudit: ActivityInput[] = [];
  const emailAudit: ActivityInput[] = [];
  const rows: AcceptedEmail[] = [];
  const jobs: { emailId: string }[] = [];
  const units = new Map<string, { ctx: SendContext; units: number }>();
  const accepted = sends.map((): SendAccepted['emails'] => []);
  for (const [i, { send, sendIndex, to }] of flat.entries()) {
    const result = upserted[i];
    const { contact } = result;
    const { ctx, template, content, sender, attachments, body } = send;
    contactAudit.push(...(await contactUpsertEffects(tx, ctx, result)));
    assertMayReceive(template, contact);
    const listed = suppressed.get(`${ctx.projectId}\n${contact.email.toLowerCase()}`);
    const id = randomUUID();
    rows.push({
      id,
      projectId: ctx.projectId,
      contactId: contact.id,
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
      status: 'PENDING',
      statusReason: null,
      ...(listed ? { status: 'SUPPRESSED' as const, statusReason: describeSuppression(listed), attachments: null } : {}),
    });
    if (!listed) {
      jobs.push({ emailId: id });
      const counted = units.get(ctx.projectId) ?? { ctx, units: 0 };
      counted.units += billableUnitsFor(attachments);
      units.set(ctx.projectId, counted);
    }
    emailAudit.push({
      projectId: ctx.projectId,
      actor: ctx.actor,
      requestId: ctx.requestId,
      ip: ctx.ip,
      type: listed ? 'email.suppressed' : 'email.queued',
      summary: `Email "${content.subject.slice(0, 120)}" ${listed ? 'not sent (suppressed)' : 'queued'} to ${contact.email}`,
      metadata: { emailId: id, contactId: contact.id, ...(template ? { templateId: template.id } : {}) },
    });
    accepted[sendIndex].push({ contact: { id: contact.id, email: contact.email }, email: id });
  }
  await queryPrepared(tx, 'mailwright_send_accept_v1', ACCEPT_SQL, [JSON.stringify(rows), activityRowsJson([...contactAudit, ...emailAudit])]);
  await deps.queue.enqueueMany('email.send', jobs, { tx, priority: PRIORITY.transactional });
  // Last, so the counter row (a project-wide lock when there is a limit) is held only until commit.
  // Requests of one project are counted together; a notice (80 %, limit) names the first of them.
  for (const { ctx, units: n } of units.values()) await assertWithinLimit(tx, ctx, 'transactional', n);
  const timestamp = new Date().toISOString();
  return accepted.map((emails) => ({ emails, timestamp }));
}

/** Suppression entries of the given addresses, one query per project, keyed by `project\nemail`. */
async function suppressionsByProject(tx: Executor, list: { projectId: string; email: string }[]) {
  const byProject = new Map<string, string[]>();
  for (const { projectId, email } of list) (byProject.get(projectId) ?? byProject.set(projectId, []).get(projectId)!).push(email);
  const found = new Map<string, Parameters<typeof describeSuppression>[0]>();
  for (const [projectId, emails] of byProject) {
    for (const [email, row] of await findSuppressions(tx, projectId, emails)) found.set(`${projectId}\n${email}`, row);
  }
  return found;
}
