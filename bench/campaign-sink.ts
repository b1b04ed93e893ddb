import { Resolver } from 'node:dns/promises';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { SMTPServer } from 'smtp-server';

// The SMTP sink both sides of the campaign benchmark deliver into: accepts everything, counts messages
// and DKIM-signed ones (a signer prepends its DKIM-Signature header), keeps the first message of each
// phase as a sample and throws every other body away as it streams in.

export interface SinkPhase {
  label: string;
  received: number;
  /** Messages whose first header is DKIM-Signature. */
  signed: number;
  bytes: number;
  /** performance.now() of the first and the latest message fully received. */
  firstAt: number | null;
  lastAt: number | null;
  sample: { raw: string; envelopeFrom: string; envelopeTo: string } | null;
}

const newPhase = (label: string): SinkPhase => ({ label, received: 0, signed: 0, bytes: 0, firstAt: null, lastAt: null, sample: null });
const DKIM_PREFIX = 'dkim-signature:';

export async function startCountingSink() {
  let phase = newPhase('idle');
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const p = phase;
      const keep = p.sample === null;
      const chunks: Buffer[] = [];
      let head = Buffer.alloc(0);
      let bytes = 0;
      stream.on('data', (c: Buffer) => {
        if (head.length < DKIM_PREFIX.length) head = Buffer.concat([head, c.subarray(0, DKIM_PREFIX.length)]);
        if (keep) chunks.push(c);
        bytes += c.length;
      });
      stream.on('end', () => {
        const now = performance.now();
        p.received += 1;
        p.bytes += bytes;
        if (head.subarray(0, DKIM_PREFIX.length).toString('latin1').toLowerCase() === DKIM_PREFIX) p.signed += 1;
        p.firstAt ??= now;
        p.lastAt = now;
        if (keep && p.sample === null) {
          p.sample = {
            raw: Buffer.concat(chunks).toString('utf8'),
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo[0]?.address ?? '',
          };
        }
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** Starts counting a new phase; messages of the previous one still in flight count there. */
    reset(label: string): SinkPhase {
      phase = newPhase(label);
      return phase;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Waits until `n` messages arrived in `phase`, printing progress every 10 s. `extra` runs each poll
 * (e.g. to follow the campaign row); fails when nothing arrives for `stallMs`.
 */
export async function waitForMessages(phase: SinkPhase, n: number, t0: number, opts: { stallMs?: number; extra?: () => Promise<void> } = {}) {
  const stallMs = opts.stallMs ?? 180_000;
  let lastCount = -1;
  let lastChange = performance.now();
  let lastReport = performance.now();
  while (phase.received < n) {
    await new Promise((r) => setTimeout(r, 100));
    await opts.extra?.();
    const now = performance.now();
    if (phase.received !== lastCount) {
      lastCount = phase.received;
      lastChange = now;
    } else if (now - lastChange > stallMs) {
      throw new Error(`${phase.label}: no message for ${stallMs / 1000} s after ${phase.received}/${n}`);
    }
    if (now - lastReport > 10_000) {
      lastReport = now;
      const s = (now - t0) / 1000;
      console.log(`  ${phase.label}: ${phase.received}/${n} after ${s.toFixed(0)} s (${(phase.received / s).toFixed(0)} msg/s so far)`);
    }
  }
}

export const stripDkimHeader = (raw: string) => raw.replace(/^DKIM-Signature:.*\r\n(?:[ \t].*\r\n)*/i, '');

/** The DKIM-Signature tags (h=, d=, s=, ...) of a message. */
export function dkimTags(raw: string): Record<string, string> {
  const m = /^DKIM-Signature:(.*(?:\r?\n[ \t].*)*)/im.exec(raw);
  if (!m) return {};
  const value = m[1].replace(/\r?\n[ \t]/g, '').replace(/\s+/g, '');
  return Object.fromEntries(
    value
      .split(';')
      .filter(Boolean)
      .map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]),
  );
}

/** An independent verifier (mailauth) checks a sample against the DKIM record in the bench DNS server. */
export async function verifyDkim(raw: string, dnsAddress: string): Promise<string> {
  const resolver = new Resolver();
  resolver.setServers([dnsAddress]);
  const resolve = (name: string, type: string) => resolver.resolve(name, type as 'TXT') as Promise<string[][]>;
  const { results } = await dkimVerify(Buffer.from(raw), { resolver: resolve } as never);
  const r = results[0];
  return r ? `${r.status.result} (d=${r.signingDomain}, s=${r.selector})` : 'no signature';
}
