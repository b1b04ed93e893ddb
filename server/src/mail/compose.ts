import MailComposer from 'nodemailer/lib/mail-composer';

export interface Address {
  email: string;
  name?: string | null;
}

export interface ComposeAttachment {
  filename: string;
  /** Base64 text as accepted by the API. */
  content: string;
  contentType: string;
  contentId?: string;
  disposition: 'attachment' | 'inline';
}

export interface ComposeInput {
  from: Address;
  to: Address;
  replyTo?: string | null;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  date: Date;
  /** Final header set after defaults and caller overrides were merged. */
  headers: Record<string, string>;
  attachments?: ComposeAttachment[] | null;
}

const fmt = (a: Address) => (a.name ? { name: a.name, address: a.email } : a.email);

// Content goes in as bytes: nodemailer never treats it as a path or URL. Parts with a Content-ID land in
// multipart/related next to the HTML, so `<img src="cid:...">` resolves.
const toMimeAttachment = (a: ComposeAttachment) => ({
  filename: a.filename,
  content: Buffer.from(a.content, 'base64'),
  contentType: a.contentType,
  contentDisposition: a.disposition,
  ...(a.contentId ? { cid: a.contentId } : {}),
});

/** Builds the RFC 5322 message once; every transport hands these exact bytes on. */
export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  const composer = new MailComposer({
    from: fmt(input.from),
    to: fmt(input.to),
    replyTo: input.replyTo ?? undefined,
    subject: input.subject,
    html: input.html,
    text: input.text,
    messageId: input.messageId,
    date: input.date,
    headers: input.headers,
    attachments: (input.attachments ?? []).map(toMimeAttachment),
    // Content comes from API callers: never let it make us read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  } as never);
  return new Promise((resolve, reject) =>
    composer.compile().build((err, message) => (err ? reject(err) : resolve(message))),
  );
}
