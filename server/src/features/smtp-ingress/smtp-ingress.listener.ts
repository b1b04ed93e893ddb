import { readFileSync } from 'node:fs';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { ProjectRow } from '../../db/schema/index.js';
import { emailAddress } from '../emails/emails.schemas.js';
import { acceptSmtpMessage, authenticateSmtpPassword, SmtpReply, type IngressDeps } from './smtp-ingress.service.js';
import { readLimited } from '../../mail/smtp-data.js';

// The SMTP submission listener (SMTP_INGRESS_PORT): apps that can only speak SMTP send through it.
// AUTH PLAIN/LOGIN with the project's sk_ key as password (any username). With a certificate and key
// configured it offers STARTTLS and refuses AUTH before it; without them AUTH is allowed on plain
// connections (the start-up banner warns), so run it on a trusted network or behind a TLS proxy then.

/** RFC 5321 §4.5.3.1.10: a server out of recipient slots answers 452; the client sends the rest later. */
export const MAX_ENVELOPE_RECIPIENTS = 50;

export interface SmtpIngress {
  port: number;
  host: string;
  /** STARTTLS offered (and required before AUTH). */
  tls: boolean;
  close(): Promise<void>;
}

interface Session extends SMTPServerSession {
  user?: ProjectRow | undefined;
}

function readTls(cfg: IngressDeps['config']['smtpIngress']): { key: Buffer; cert: Buffer } | null {
  const { tlsCertPath, tlsKeyPath } = cfg;
  if (!tlsCertPath && !tlsKeyPath) return null;
  if (!tlsCertPath || !tlsKeyPath) {
    throw new Error('SMTP ingress: set both SMTP_INGRESS_TLS_CERT and SMTP_INGRESS_TLS_KEY (or neither, for no STARTTLS)');
  }
  const read = (file: string, name: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`SMTP ingress: cannot read ${name} (${file}): ${(err as Error).message}`);
    }
  };
  return { cert: read(tlsCertPath, 'SMTP_INGRESS_TLS_CERT'), key: read(tlsKeyPath, 'SMTP_INGRESS_TLS_KEY') };
}


/**
 * Starts the SMTP ingress listener when `SMTP_INGRESS_PORT` is set (null otherwise). Runs in the API
 * process. Throws (start-up fails) when the configured certificate or key cannot be read.
 */
export async function startSmtpIngress(deps: IngressDeps, override?: { port: number; host?: string }): Promise<SmtpIngress | null> {
  const cfg = deps.config.smtpIngress;
  const port = override?.port ?? cfg.port;
  if (port === undefined) return null;
  const host = override?.host ?? cfg.host;
  const tls = readTls(cfg);
  const log = deps.log.child({ component: 'smtp-ingress' });

  const server = new SMTPServer({
    name: new URL(deps.config.publicUrl).hostname || 'mailwright',
    banner: 'Mailwright SMTP ingress',
    authMethods: ['PLAIN', 'LOGIN'],
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    disabledCommands: tls ? [] : ['STARTTLS'],
    allowInsecureAuth: !tls,
    size: cfg.maxBytes,
    maxClients: 100,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onAuth(auth, session, callback) {
      authenticateSmtpPassword(deps, auth.password ?? '').then(
        (project) => {
          // The username and password are never logged: people put the key in either.
          if (!project) {
            log.info({ remoteAddress: session.remoteAddress, method: auth.method }, 'SMTP ingress: authentication refused');
            return callback(new SmtpReply(535, '5.7.8 Authentication credentials invalid: use the project secret key (sk_...) as password'));
          }
          callback(null, { user: project });
        },
        (err) => {
          log.error({ err }, 'SMTP ingress: authentication failed');
          callback(new SmtpReply(454, '4.7.0 Temporary authentication failure'));
        },
      );
    },
    onMailFrom(_address, session: Session, callback) {
      if (!session.user) return callback(new SmtpReply(530, '5.7.0 Authentication required'));
      if (session.user.disabled) return callback(new SmtpReply(550, '5.7.1 Project is disabled. All write operations are blocked.'));
      callback();
    },
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_ENVELOPE_RECIPIENTS) {
        return callback(new SmtpReply(452, `4.5.3 Too many recipients (at most ${MAX_ENVELOPE_RECIPIENTS} per message)`));
      }
      if (!emailAddress.safeParse(address.address).success) {
        return callback(new SmtpReply(553, `5.1.3 <${address.address}>: not a valid recipient address`));
      }
      callback();
    },
    onData(stream, session: Session, callback) {
      readLimited(stream, cfg.maxBytes).then(async (raw) => {
        if (!raw) return callback(new SmtpReply(552, `5.3.4 Message too big (at most ${cfg.maxBytes} bytes)`));
        if (!session.user) return callback(new SmtpReply(530, '5.7.0 Authentication required'));
        try {
          const { requestId } = await acceptSmtpMessage(deps, {
            project: session.user,
            recipients: session.envelope.rcptTo.map((r) => r.address),
            raw,
            ip: session.remoteAddress,
          });
          callback(null, `2.0.0 Accepted (request ${requestId})`);
        } catch (err) {
          callback(err as Error);
        }
      }, (err) => callback(err as Error));
    },
  });
  server.on('error', (err) => log.warn({ err }, 'SMTP ingress connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const bound = address && typeof address === 'object' ? address.port : port;
  if (tls) log.info({ port: bound, host, starttls: true }, 'SMTP ingress started (STARTTLS required before AUTH)');
  else log.warn({ port: bound, host, starttls: false }, 'SMTP ingress started WITHOUT TLS: AUTH is accepted on plain connections');
  return { port: bound, host, tls: !!tls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
