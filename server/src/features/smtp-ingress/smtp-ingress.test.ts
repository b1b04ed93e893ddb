import { Resolver } from 'node:dns/promises';
// An independent verifier (mailauth) checks the signature of what reached the downstream sink.
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { addVerifiedDomain, startDnsServer, type TestDnsServer } from '../../../test/dns-server.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';
import { createRateLimiter } from '../../http/rate-limit.js';
import { generateKey } from '../keys/keys.js';
import { rotateProjectKeys } from '../projects/projects.service.js';
import { startSmtpIngress, type SmtpIngress } from './smtp-ingress.listener.js';
import { toSmtpReply } from './smtp-ingress.service.js';
import { AppError, validationError } from '../../core/errors.js';

// Apps send through our SMTP ingress with an ordinary SMTP client and the project's secret key.

const MAX_BYTES = 64 * 1024;
let dns: TestDnsServer;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let t: TestContext;
let ingress: SmtpIngress;
const resolver = new Resolver();
const resolve = (name: string, type: string) => resolver.resolve(name, type as 'TXT') as Promise<string[][]>;

beforeAll(async () => {
  dns = await startDnsServer();
  resolver.setServers([dns.address]);
  sink = await startSmtpSink();
  t = await createTestContext({
    env: { DNS_SERVERS: dns.address, MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url, REQUIRE_VERIFIED_DOMAINS: 'true', SMTP_INGRESS_MAX_BYTES: String(MAX_BYTES) },
  });
  await t.startWorker();
  await addVerifiedDomain(t, dns, 'smtp-sender.com');
  ingress = (await startSmtpIngress(t.deps, { port: 0, host: '127.0.0.1' }))!;
}, 60_000);
afterAll(async () => {
  await ingress?.close();
  await t?.close();
  await sink?.close();
  await dns?.close();
});

const client = (pass?: string) =>
  nodemailer.createTransport({ host: '127.0.0.1', port: ingress.port, secure: false, ignoreTLS: true, ...(pass ? { auth: { user: 'anything', pass } } : {}) });
const emailCount = async () => (await t.request('GET', '/emails?limit=100')).json.data.length as number;
const refusal = async (p: Promise<unknown>) => {
  const err = (await p.then(() => null, (e: unknown) => e)) as { responseCode?: number; response?: string } | null;
  expect(err, 'the send should have been refused').not.toBeNull();
  return err!;
};

describe('SMTP ingress', () => {
  it('accepts a message from nodemailer with the sk_ key and delivers it DKIM-signed, shown in Emails and Activity', async () => {
    const info = await client(t.project.secretKey).sendMail({
      from: '"Smtp Sender" <hello@smtp-sender.com>',
      to: '"Ann Reader" <ann@example.org>',
      cc: 'carl@example.org',
      replyTo: 'support@smtp-sender.com',
      subject: 'Hello over SMTP',
      text: 'plain part',
      html: '<p>Hello <b>via SMTP</b> <img src="cid:logo@smtp"></p>',
      headers: { 'X-Order-Ref': 'A-42' },
      attachments: [
        { filename: 'note.txt', content: 'attached text', contentType: 'text/plain' },
        { filename: 'logo.png', content: Buffer.from('not really a png'), contentType: 'image/png', cid: 'logo@smtp' },
      ],
    });
    expect(info.accepted).toEqual(['ann@example.org', 'carl@example.org']);
    expect(info.response).toMatch(/^250 .*request smtp-/);

    const list = (await t.request('GET', '/emails?limit=100')).json.data as any[];
    const ann = list.find((e) => e.to === 'ann@example.org');
    expect(ann).toMatchObject({ subject: 'Hello over SMTP', sourceType: 'TRANSACTIONAL' });
    expect(list.find((e) => e.to === 'carl@example.org')).toBeTruthy();

    const sent = await waitFor(async () => {
      const e = (await t.request('GET', `/emails/${ann.id}`)).json;
      return ['SENT', 'FAILED'].includes(e.status) ? e : null;
    }, 30_000, 'delivery');
    expect(sent.status, sent.reason).toBe('SENT');
    const msg = await waitFor(async () => sink.messages.find((m) => m.raw.includes(sent.messageId)), 10_000, 'sink');
    expect(msg.envelopeTo).toEqual(['ann@example.org']);
    expect(msg.parsed.from?.value[0]).toMatchObject({ name: 'Smtp Sender', address: 'hello@smtp-sender.com' });
    expect(msg.parsed.to && !Array.isArray(msg.parsed.to) ? msg.parsed.to.value[0] : null).toMatchObject({ name: 'Ann Reader', address: 'ann@example.org' });
    expect(msg.parsed.replyTo?.value[0].address).toBe('support@smtp-sender.com');
    expect(msg.parsed.html).toContain('<b>via SMTP</b>');
    expect(msg.parsed.headers.get('x-order-ref')).toBe('A-42');
    const parts = msg.parsed.attachments.map((a) => [a.filename, a.content.toString(), a.contentDisposition, a.cid ?? null]);
    expect(parts).toEqual(expect.arrayContaining([['note.txt', 'attached text', 'attachment', null], ['logo.png', 'not really a png', 'inline', 'logo@smtp']]));
    expect(msg.raw).toMatch(/src=(3D)?"cid:logo@smtp"/);
    const [dkim] = (await dkimVerify(Buffer.from(msg.raw), { resolver: resolve })).results;
    expect(dkim.status.result, JSON.stringify(dkim.status)).toBe('pass');
    expect(dkim.signingDomain).toBe('smtp-sender.com');

    const activity = (await t.request('GET', '/activity?limit=100')).json.data as any[];
    const received = activity.find((a) => a.type === 'email.smtp_received');
    expect(received.summary).toMatch(/via SMTP for 2 recipients/);
    expect(received.actor.type).toBe('secret_key');
    expect(received.requestId).toMatch(/^smtp-/);
    const queued = activity.filter((a) => a.type === 'email.queued' && a.requestId === received.requestId);
    expect(queued.map((a) => a.metadata.emailId).sort()).toEqual([...received.metadata.emailIds].sort());
    expect(t.logs.join('\n')).not.toContain(t.project.secretKey);
  }, 60_000);

  it('turns a text-only message into escaped HTML', async () => {
    await client(t.project.secretKey).sendMail({ from: 'hello@smtp-sender.com', to: 'text@example.org', subject: 'Text only', text: 'a < b & c\nnext line' });
    const row = (await t.request('GET', '/emails?limit=100')).json.data.find((e: any) => e.to === 'text@example.org');
    const email = (await t.request('GET', `/emails/${row.id}`)).json;
    expect(JSON.stringify(email)).toContain('a &lt; b &amp; c<br>');
  });

  it('refuses a wrong key, a public key and a missing AUTH, storing nothing and never logging the keys', async () => {
    const before = await emailCount();
    const wrong = t.project.secretKey.slice(0, -3) + 'abc';
    const mail = { from: 'hello@smtp-sender.com', to: 'x@example.org', subject: 'S', text: 'T' };
    expect((await refusal(client(wrong).sendMail(mail))).responseCode).toBe(535);
    // Well-formed, valid checksum, but no project has it.
    const unknown = generateKey('secret');
    expect((await refusal(client(unknown).sendMail(mail))).responseCode).toBe(535);
    const pk = await refusal(client(t.project.publicKey).sendMail(mail));
    expect(pk.responseCode).toBe(535);
    expect(pk.response).toMatch(/5\.7\.8/);
    expect((await refusal(client().sendMail(mail))).responseCode).toBe(530);
    expect(await emailCount()).toBe(before);
    const logs = t.logs.join('\n');
    expect(logs).toContain('SMTP ingress: authentication refused');
    for (const key of [wrong, unknown, t.project.publicKey, t.project.secretKey]) expect(logs).not.toContain(key);
  });

  it('answers 452 to the 51st recipient; the 50 accepted ones get the message, all in one transaction', async () => {
    const before = await emailCount();
    const to = Array.from({ length: 51 }, (_, i) => `bulk${i}@example.org`);
    const info = await client(t.project.secretKey).sendMail({ from: 'hello@smtp-sender.com', to, subject: 'Many', text: 'hi' });
    expect(info.accepted).toHaveLength(50);
    expect(info.rejected).toEqual(['bulk50@example.org']);
    expect((info.rejectedErrors?.[0] as { responseCode?: number } | undefined)?.responseCode).toBe(452);
    expect(await emailCount()).toBe(before + 50);
  });

  it('refuses an oversized message with 552 and stores nothing', async () => {
    const before = await emailCount();
    const err = await refusal(client(t.project.secretKey).sendMail({ from: 'hello@smtp-sender.com', to: 'big@example.org', subject: 'Big', text: 'x'.repeat(MAX_BYTES * 2) }));
    expect(err.responseCode).toBe(552);
    expect(await emailCount()).toBe(before);
  });

  it('applies the from-domain check of /v1/send (550 5.7.1) and needs a Subject (550)', async () => {
    const before = await emailCount();
    const unverified = await refusal(client(t.project.secretKey).sendMail({ from: 'me@not-verified.org', to: 'y@example.org', subject: 'S', text: 'T' }));
    expect(unverified.responseCode).toBe(550);
    expect(unverified.response).toMatch(/5\.7\.1 .*not-verified\.org/);
    const noSubject = await refusal(client(t.project.secretKey).sendMail({ from: 'hello@smtp-sender.com', to: 'y@example.org', text: 'T' }));
    expect(noSubject.responseCode).toBe(550);
    expect(noSubject.response).toMatch(/Subject/);
    expect(await emailCount()).toBe(before);
  });

  it('keeps a suppressed recipient out of delivery, as /v1/send does', async () => {
    expect((await t.request('POST', '/suppression-list', { body: { email: 'blocked@example.org' } })).status).toBe(201);
    await client(t.project.secretKey).sendMail({ from: 'hello@smtp-sender.com', to: ['blocked@example.org', 'open@example.org'], subject: 'Mixed', text: 'T' });
    const list = (await t.request('GET', '/emails?limit=100')).json.data as any[];
    expect(list.find((e) => e.to === 'blocked@example.org')?.status).toBe('SUPPRESSED');
    expect(list.find((e) => e.to === 'open@example.org')?.status).not.toBe('SUPPRESSED');
  });

  it("answers 451 (try later) once the project's send rate limit is used up", async () => {
    const config = { ...t.deps.config, rateLimit: { ...t.deps.config.rateLimit, enabled: true, buckets: { ...t.deps.config.rateLimit.buckets, send: { perSecond: 0.01, burst: 1 } } } };
    const rateLimiter = await createRateLimiter(config, t.deps.log);
    const limited = (await startSmtpIngress({ ...t.deps, config, rateLimiter }, { port: 0, host: '127.0.0.1' }))!;
    try {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: limited.port, secure: false, ignoreTLS: true, auth: { user: 'u', pass: t.project.secretKey } });
      const mail = { from: 'hello@smtp-sender.com', to: 'limited@example.org', subject: 'Limited', text: 'T' };
      await transport.sendMail(mail);
      const before = await emailCount();
      const err = await refusal(transport.sendMail(mail));
      expect(err.responseCode).toBe(451);
      expect(err.response).toMatch(/4\.7\.0 Rate limit/);
      expect(await emailCount()).toBe(before);
    } finally {
      await limited.close();
      await rateLimiter.close();
    }
  });

  // Last in this describe: it rotates the project's keys (t.project.secretKey is updated for later use).
  it('refuses further messages on an open session once its sk_ key was rotated (535), storing nothing', async () => {
    const pooled = nodemailer.createTransport({ host: '127.0.0.1', port: ingress.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1, auth: { user: 'u', pass: t.project.secretKey } });
    try {
      const mail = { from: 'hello@smtp-sender.com', to: 'rotated@example.org', subject: 'Before rotation', text: 'T' };
      await pooled.sendMail(mail);
      const rotated = await rotateProjectKeys(t.deps, { actor: { type: 'system' } }, t.project.id);
      t.project.secretKey = rotated.secretKey;
      t.project.publicKey = rotated.publicKey;
      const before = await emailCount();
      const err = await refusal(pooled.sendMail({ ...mail, subject: 'After rotation' }));
      expect(err.responseCode).toBe(535);
      expect(await emailCount()).toBe(before);
    } finally {
      pooled.close();
    }
  });
});

describe('SMTP replies for refusals of the send path', () => {
  const log = { error: () => {} } as never;
  const reply = (err: unknown) => {
    const r = toSmtpReply(err, { log }, 'smtp-x');
    return `${r.responseCode} ${r.message}`;
  };
  it('answers limits as temporary, policy and validation as permanent, and never echoes a key', () => {
    expect(reply(new AppError('BILLING_LIMIT_EXCEEDED', 'Transactional limit reached: 3 of 3'))).toBe('451 4.7.0 Transactional limit reached: 3 of 3');
    expect(reply(new AppError('RATE_LIMIT_EXCEEDED', 'slow down'))).toBe('451 4.7.0 slow down');
    expect(reply(new AppError('DOMAIN_NOT_VERIFIED', 'no'))).toBe('550 5.7.1 no');
    expect(reply(validationError([{ field: 'reply', code: 'x', message: 'bad' }], 'bad reply'))).toBe('553 5.1.7 bad reply');
    expect(reply(validationError([{ field: 'headers.X-A', code: 'x', message: 'bad' }], 'bad\r\nheader'))).toBe('550 5.6.0 bad header');
    expect(reply(new Error('boom'))).toBe('451 4.3.0 Temporary failure, try again later (request smtp-x)');
    expect(reply(new AppError('BAD_REQUEST', `key ${generateKey('secret')} leaked`))).toBe('550 5.7.1 key sk_[REDACTED] leaked');
  });
});
