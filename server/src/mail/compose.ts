import MailComposer from 'nodemailer/lib/mail-composer';

export interface Address {
  email: string;
  name?: string | null;
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
}

const fmt = (a: Address) => (a.name ? { name: a.name, address: a.email } : a.email);

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
    // Content comes from API callers: never let it make us read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  } as never);
  return new Promise((resolve, reject) =>
    composer.compile().build((err, message) => (err ? reject(err) : resolve(message))),
  );
}
