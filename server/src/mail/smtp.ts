import nodemailer from 'nodemailer';
import { TransportError, type Transport } from './transport.js';

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
  code?: string;
}

/** Pooled SMTP relay. 5xx replies are permanent failures; 4xx and connection problems are retried. */
export function createSmtpTransport(url: string, poolSize: number): Transport {
  const transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: poolSize,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as never);
  return {
    name: 'smtp',
    async send(message) {
      try {
        const info = await transporter.sendMail({ envelope: message.envelope, raw: message.raw });
        // Multi-recipient envelopes may partly fail; we send one recipient per message.
        if (info.rejected?.length) throw Object.assign(new Error(info.response), { responseCode: 550 });
        return { response: info.response };
      } catch (err) {
        throw toTransportError(err as SmtpError);
      }
    },
    async close() {
      transporter.close();
    },
  };
}

function toTransportError(err: SmtpError): TransportError {
  const code = err.responseCode;
  const text = (err.response ?? err.message ?? 'SMTP error').trim();
  if (code && code >= 500) return new TransportError(text, true, code);
  if (code && code >= 400) return new TransportError(text, false, code);
  return new TransportError(`SMTP connection failed: ${err.code ?? ''} ${err.message}`.trim(), false);
}
