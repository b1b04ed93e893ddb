import { validationError } from '../../core/errors.js';
import type { Db } from '../../db/client.js';
import type { ProjectRow } from '../../db/schema/index.js';
import { PRIORITY } from '../../jobs/catalog.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { renderDataFor, upsertContact } from '../contacts/contacts.service.js';
import { recordContactUpsertEffects } from '../events/events.service.js';
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

/** Request `from`, else the project's default sender; a send with neither is refused. */
function resolveSender(project: ProjectRow, body: SendBody): Mailbox {
  if (body.from) {
    const from = toMailbox(body.from);
    return { email: from.email, name: from.name ?? body.name ?? project.defaultFromName ?? null };
  }
  if (project.defaultFrom) return { email: project.defaultFrom, name: body.name ?? project.defaultFromName ?? project.name };
  throw validationError([
    { field: 'from', code: 'required', message: 'Sender email is required: pass `from` or set a default sender on the project' },
  ]);
}

/**
 * Accepts a send: one contact upsert and one email row per recipient, each with its delivery job,
 * all in one transaction — the response is only a 200 once everything it promises is stored.
 */
export async function acceptSend(deps: SendDeps, ctx: ProjectActionContext & { project: ProjectRow }, body: SendBody) {
  const sender = resolveSender(ctx.project, body);
  await assertSenderAllowed(deps, ctx.project, sender.email);
  const recipients = (Array.isArray(body.to) ? body.to : [body.to]).map(toMailbox);

  return deps.db.transaction(async (tx) => {
    const accepted: { contact: { id: string; email: string }; email: string }[] = [];
    for (const to of recipients) {
      const data = to.name ? { ...(body.data ?? {}), name: to.name } : body.data;
      const result = await upsertContact(tx, {
        projectId: ctx.projectId,
        email: to.email,
        data,
        subscribed: body.subscribed,
        subscribedWhenNew: false,
      });
      await recordContactUpsertEffects(tx, ctx, result);
      const { contact } = result;
      const email = await insertEmail(tx, {
        projectId: ctx.projectId,
        contactId: contact.id,
        sourceType: 'TRANSACTIONAL',
        toEmail: contact.email,
        toName: to.name ?? null,
        fromEmail: sender.email,
        fromName: sender.name ?? null,
        replyTo: body.reply ?? null,
        subject: body.subject,
        body: body.body,
        headers: body.headers ?? null,
        renderData: renderDataFor(contact, result.temporaryData),
        requestId: ctx.requestId ?? null,
      });
      await deps.queue.enqueue('email.send', { emailId: email.id }, { tx, priority: PRIORITY.transactional });
      accepted.push({ contact: { id: contact.id, email: contact.email }, email: email.id });
    }
    await recordActivity(
      tx,
      accepted.map((a) => ({
        projectId: ctx.projectId,
        actor: ctx.actor,
        requestId: ctx.requestId,
        ip: ctx.ip,
        type: 'email.queued',
        summary: `Email "${body.subject.slice(0, 120)}" queued to ${a.contact.email}`,
        metadata: { emailId: a.email, contactId: a.contact.id },
      })),
    );
    return { emails: accepted, timestamp: new Date().toISOString() };
  });
}
