import type { Config } from '../../config.js';
import type { DomainRow, EmailRow, ProjectRow } from '../../db/schema/index.js';
import { composeMessage } from '../../mail/compose.js';
import { signForSender } from '../domains/dkim-signing.js';
import { marketingExtras, withFooter } from '../hosted-pages/marketing-extras.js';
import { returnPathFor } from '../suppressions/return-path.js';
import { instrumentHtml } from '../tracking/instrument.js';
import { renderEmailContent } from './email-content.js';

/** Building a message reads nothing from the database: the caller looks up the sending domain. */
export interface PipelineDeps {
  masterKey: Buffer;
  config: Pick<Config, 'publicUrl'> & Partial<Config>;
}

export interface BuiltMessage {
  raw: Buffer;
  /** SMTP MAIL FROM: a VERP address on the sending domain's return-path host when there is one. */
  envelopeFrom: string;
}

/**
 * Every outgoing message takes the same steps, each owned by its feature:
 * render (emails) → footer and List-Unsubscribe for marketing mail (hosted-pages) → open pixel and
 * signed click links (tracking) → MIME (mail/compose) → DKIM signature (domains) → VERP return path
 * (suppressions). Caller headers override ours case-insensitively. `domain` is the VERIFIED sending domain
 * covering the From address (or undefined), looked up once by the caller for signing, VERP and unsubscribe.
 */
export async function buildOutgoingMessage(deps: PipelineDeps, project: ProjectRow, email: EmailRow, domain: DomainRow | undefined): Promise<BuiltMessage> {
  const content = await renderEmailContent(deps.config.publicUrl, deps.masterKey, email);
  const bounceHost = domain?.returnPathHost ?? deps.config.mx?.verpFallbackHost ?? null;
  const extras = marketingExtras(deps, project, email, bounceHost);
  const html = instrumentHtml(deps, project, email, extras ? withFooter(content.html, extras.footerHtml) : content.html);
  const text = extras ? content.text + extras.footerText : content.text;
  const raw = await composeMessage({
    from: { email: email.fromEmail, name: email.fromName },
    to: { email: email.toEmail, name: email.toName },
    replyTo: email.replyTo,
    subject: content.subject,
    html,
    text,
    messageId: email.messageId!,
    date: new Date(),
    headers: mergeHeaders(extras?.headers ?? {}, email.headers ?? {}),
    attachments: email.attachments,
  });
  return { raw: await signForSender(deps, raw, domain), envelopeFrom: returnPathFor(deps, email, bounceHost) };
}

/** Caller headers replace ours with the same name, whatever its case. */
export function mergeHeaders(ours: Record<string, string>, callers: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {};
  const callerNames = new Set(Object.keys(callers).map((k) => k.toLowerCase()));
  for (const [k, v] of Object.entries(ours)) if (!callerNames.has(k.toLowerCase())) merged[k] = v;
  return { ...merged, ...callers };
}
