import nodemailer from 'nodemailer';

// The raw yardstick of the campaign benchmark, forked by campaign.ts: a nodemailer SMTP pool with the
// options of server/src/mail/smtp.ts (pool, maxConnections = SMTP_POOL_SIZE, same timeouts) plus
// nodemailer's own `dkim` option, so every message is DKIM-signed at send time with the sending
// domain's key. The messages are pre-built before the clock starts: a real Mailwright message with its
// recipient and Message-ID swapped. No database, no rendering, no bookkeeping.
//
// Protocol (IPC): parent sends BaselineConfig → child answers {ready} once built → parent sends
// {go} and starts its clock → child sends everything and answers {done, failed, firstError}.

export interface BaselineConfig {
  smtpUrl: string;
  poolSize: number;
  count: number;
  /** How many sendMail calls are outstanding at once (Mailwright: WORKER_CONCURRENCY × batch of 20). */
  inFlight: number;
  /** A Mailwright message without its DKIM-Signature header. */
  template: string;
  /** The sample's recipient address and Message-ID value, replaced per message. */
  sampleRecipient: string;
  sampleMessageId: string;
  envelopeFrom: string;
  recipientDomain: string;
  dkim: { domainName: string; keySelector: string; privateKey: string; headerFieldNames: string };
}

type Message = { type: 'config'; config: BaselineConfig } | { type: 'go' };

let config: BaselineConfig;
let prebuilt: { to: string; raw: Buffer }[] = [];

function build(c: BaselineConfig) {
  // Split once around the two per-message values; each message is then a join of fixed pieces.
  const marker = '\u0000';
  const pieces = c.template.split(c.sampleRecipient).join(`${marker}TO${marker}`).split(c.sampleMessageId).join(`${marker}ID${marker}`).split(marker);
  const idDomain = c.sampleMessageId.slice(c.sampleMessageId.indexOf('@') + 1, -1);
  prebuilt = Array.from({ length: c.count }, (_, i) => {
    const to = `raw${i}@${c.recipientDomain}`;
    const id = `<raw-${i}-${process.pid}@${idDomain}>`;
    const raw = pieces.map((p) => (p === 'TO' ? to : p === 'ID' ? id : p)).join('');
    return { to, raw: Buffer.from(raw, 'utf8') };
  });
}

async function sendAll(): Promise<{ failed: number; firstError: string | null; cpuSeconds: number }> {
  const transporter = nodemailer.createTransport({
    url: config.smtpUrl,
    pool: true,
    maxConnections: config.poolSize,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    dkim: config.dkim,
  } as never);
  const cpu0 = process.cpuUsage();
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  const loop = async () => {
    while (next < prebuilt.length) {
      const m = prebuilt[next++];
      try {
        await transporter.sendMail({ envelope: { from: config.envelopeFrom, to: [m.to] }, raw: m.raw });
      } catch (err) {
        failed += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: config.inFlight }, loop));
  transporter.close();
  const cpu = process.cpuUsage(cpu0);
  return { failed, firstError, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

process.on('message', (msg: Message) => {
  if (msg.type === 'config') {
    config = msg.config;
    build(config);
    process.send!({ type: 'ready', bytes: prebuilt.reduce((n, m) => n + m.raw.length, 0) });
  } else if (msg.type === 'go') {
    void sendAll().then(
      (r) => process.send!({ type: 'done', ...r }, () => process.exit(0)),
      (err) => process.send!({ type: 'done', failed: config.count, firstError: String(err), cpuSeconds: 0 }, () => process.exit(1)),
    );
  }
});
process.on('disconnect', () => process.exit(0));
