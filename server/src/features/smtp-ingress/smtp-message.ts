import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { z } from 'zod';
import { validationError } from '../../core/errors.js';
import { sendBody, type SendBody } from '../emails/emails.schemas.js';

// Turns a message received over SMTP into the body of a /v1/send request, so it is checked by the same
// schema (header rules, attachment limits) and takes the same path. The envelope decides who receives
// it (To, Cc and Bcc alike, each its own email); the headers give sender, subject, Reply-To and X-*.

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A plain-text message becomes HTML that shows the same text (the pipeline derives the text part again). */
export const textToHtml = (text: string) => escapeHtml(text.replace(/\r\n/g, '\n')).replace(/\n/g, '<br>\n');

const mailboxes = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value);

/** X-* headers as the sender wrote them (name case kept, folding undone); the first of a repeated name wins. */
function customHeaders(parsed: ParsedMail): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const { key, line } of parsed.headerLines) {
    if (!key.startsWith('x-') || seen.has(key)) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    seen.add(key);
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return Object.keys(out).length ? out : undefined;
}

function attachmentsOf(parsed: ParsedMail): SendBody['attachments'] {
  if (!parsed.attachments.length) return undefined;
  return parsed.attachments.map((a) => {
    const inline = a.contentDisposition === 'inline' && !!a.cid;
    return {
      filename: (a.filename ?? 'attachment').replace(/[\r\n\0"]/g, '_'),
      content: a.content.toString('base64'),
      contentType: a.contentType || 'application/octet-stream',
      ...(a.cid ? { contentId: a.cid } : {}),
      disposition: inline ? ('inline' as const) : ('attachment' as const),
    };
  });
}

const issueText = (issues: z.core.$ZodIssue[]) =>
  issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');

/**
 * The send request a received message stands for, validated like a /v1/send body. Throws
 * VALIDATION_ERROR (answered 550/553) when the message lacks what a send needs.
 */
export async function sendBodyFromMessage(raw: Buffer, recipients: string[]): Promise<SendBody> {
  // Keep cid: links in the HTML (inline parts travel as attachments with their Content-ID).
  const parsed = await simpleParser(raw, { skipImageLinks: true });
  const from = mailboxes(parsed.from)[0];
  if (!from?.address) throw validationError([{ field: 'from', code: 'required', message: 'the message has no From address' }], 'The message has no From address');
  const html = typeof parsed.html === 'string' && parsed.html.trim() ? parsed.html : parsed.text?.trim() ? textToHtml(parsed.text) : undefined;
  if (!html) throw validationError([{ field: 'body', code: 'required', message: 'the message has no text or HTML body' }], 'The message has no text or HTML body');
  if (!parsed.subject?.trim()) throw validationError([{ field: 'subject', code: 'required', message: 'the message has no Subject' }], 'The message has no Subject');

  // Display names for envelope recipients come from To/Cc when the headers name them.
  const names = new Map<string, string>();
  for (const m of [...mailboxes(parsed.to), ...mailboxes(parsed.cc)]) if (m.address && m.name) names.set(m.address.toLowerCase(), m.name);
  const to = recipients.map((email) => {
    const name = names.get(email.toLowerCase());
    return name ? { email, name } : email;
  });
  const replyTo = mailboxes(parsed.replyTo)[0]?.address;

  const candidate = {
    to,
    from: from.name ? { email: from.address, name: from.name } : from.address,
    subject: parsed.subject,
    body: html,
    ...(replyTo ? { reply: replyTo } : {}),
    headers: customHeaders(parsed),
    attachments: attachmentsOf(parsed),
  };
  const result = sendBody.safeParse(candidate);
  if (!result.success) {
    const errors = result.error.issues.map((i) => ({ field: i.path.join('.') || 'message', code: i.code, message: i.message }));
    throw validationError(errors, `The message cannot be sent: ${issueText(result.error.issues)}`);
  }
  return result.data;
}
