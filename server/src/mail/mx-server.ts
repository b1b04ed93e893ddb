import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import { readLimited } from './smtp-data.js';

// An inbound SMTP server (no AUTH, no relaying): it accepts mail only for the recipients the caller
// allows, keeps each message in memory up to a size limit and hands it over. It knows nothing about
// what the messages mean; features decide that.

export interface InboundMessage {
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
}

export interface MxServerOptions {
  port: number;
  host: string;
  /** Larger messages are refused with 552 (and never buffered past the limit). */
  maxBytes: number;
  log: Logger;
  acceptRecipient(address: string): boolean;
  /** Throwing answers 451 (try again later), so the sender keeps the message and retries. */
  onMessage(message: InboundMessage): Promise<void>;
}

export interface MxServer {
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startMxServer(opts: MxServerOptions): Promise<MxServer> {
  const server = new SMTPServer({
    name: 'mailwright-mx',
    banner: 'Mailwright bounce and feedback receiver',
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: opts.maxBytes,
    maxClients: 100,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (opts.acceptRecipient(address.address)) return callback();
      callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
    },
    onData(stream, session, callback) {
      readLimited(stream, opts.maxBytes).then(
        async (raw) => {
          if (!raw) return callback(smtpError(552, `5.3.4 Message too big (at most ${opts.maxBytes} bytes)`));
          try {
            await opts.onMessage({
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              recipients: session.envelope.rcptTo.map((r) => r.address),
              raw,
            });
            callback();
          } catch (err) {
            opts.log.error({ err }, 'could not process an inbound message; the sender will retry');
            callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
          }
        },
        (err) => callback(err as Error),
      );
    },
  });
  server.on('error', (err) => opts.log.warn({ err }, 'MX listener connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  return {
    port: address && typeof address === 'object' ? address.port : opts.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
