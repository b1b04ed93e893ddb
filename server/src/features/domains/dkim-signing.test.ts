import { Resolver } from 'node:dns/promises';
// An independent verifier (mailauth, not nodemailer's signer) checks what reached the SMTP sink.
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { addVerifiedDomain, startDnsServer, type TestDnsServer } from '../../../test/dns-server.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';

let dns: TestDnsServer;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let t: TestContext;
let domain: any;

/** mailauth looks the selector up in the test DNS server, where the records the API listed are published. */
const resolver = new Resolver();
const resolve = (name: string, type: string) => resolver.resolve(name, type as 'TXT') as Promise<string[][]>;
const verifyDkim = async (raw: string) => (await dkimVerify(Buffer.from(raw), { resolver: resolve })).results;

beforeAll(async () => {
  dns = await startDnsServer();
  resolver.setServers([dns.address]);
  sink = await startSmtpSink();
  t = await createTestContext({ env: { DNS_SERVERS: dns.address, MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url } });
  await t.startWorker();
  domain = await addVerifiedDomain(t, dns, 'signed-sender.com');
});
afterAll(async () => {
  await t.close();
  await sink.close();
  await dns.close();
});

async function deliver(body: Record<string, unknown>) {
  const res = await t.request('POST', '/v1/send', { body: { subject: 'Our June letter — ünïcode', body: '<p>Hello {{ name ?? "reader" }}, café ☕</p>', ...body } });
  expect(res.status, res.body).toBe(200);
  const id = res.json.data.emails[0].email;
  const email = await waitFor(async () => {
    const e = (await t.request('GET', `/emails/${id}`)).json;
    return ['SENT', 'FAILED'].includes(e.status) ? e : null;
  }, 20_000, 'delivery');
  expect(email.status, email.reason).toBe('SENT');
  return sink.messages.find((m) => m.raw.includes(email.messageId))!;
}

const signatureTags = (raw: string) => {
  const header = /^DKIM-Signature:(.*(?:\r?\n[ \t].*)*)/im.exec(raw)![1].replace(/\r?\n[ \t]/g, '').replace(/\s+/g, '');
  return Object.fromEntries(header.split(';').filter(Boolean).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
};

describe('DKIM signing of mail from a verified domain', () => {
  it('signs a marketing-like message so an independent verifier passes it, with both List-Unsubscribe headers in h=', async () => {
    const msg = await deliver({
      to: { name: 'Ann Reader', email: 'ann@example.org' },
      from: { name: 'Signed Sender', email: 'news@signed-sender.com' },
      reply: 'support@signed-sender.com',
      headers: { 'List-Unsubscribe': '<https://x.test/u>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', Precedence: 'bulk' },
    });
    const [result] = await verifyDkim(msg.raw);
    expect(result.status.result, JSON.stringify(result.status)).toBe('pass');
    expect(result.signingDomain).toBe('signed-sender.com');
    expect(result.selector).toBe(domain.selector);

    const tags = signatureTags(msg.raw);
    expect(tags).toMatchObject({ a: 'rsa-sha256', c: 'relaxed/relaxed', d: 'signed-sender.com', s: domain.selector });
    const signed = tags.h.toLowerCase().split(':');
    for (const name of ['from', 'to', 'subject', 'date', 'message-id', 'reply-to', 'mime-version', 'content-type', 'list-unsubscribe', 'list-unsubscribe-post', 'precedence']) {
      expect(signed, name).toContain(name);
    }
  });

  it('fails verification when one byte of the body is altered', async () => {
    const msg = await deliver({ to: 'bob@example.org', from: 'news@signed-sender.com', headers: { 'List-Unsubscribe': '<https://x.test/u>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } });
    expect((await verifyDkim(msg.raw))[0].status.result).toBe('pass');
    const bodyStart = msg.raw.indexOf('\r\n\r\n') + 4;
    const i = msg.raw.indexOf('Hello', bodyStart) >= 0 ? msg.raw.indexOf('Hello', bodyStart) : bodyStart + 10;
    const tampered = msg.raw.slice(0, i) + 'J' + msg.raw.slice(i + 1);
    const [result] = await verifyDkim(tampered);
    expect(result.status.result).not.toBe('pass');
    expect(result.status.comment ?? '').toMatch(/body hash/i);
  });

  it('fails verification when a signed header is altered', async () => {
    const msg = await deliver({ to: 'cy@example.org', from: 'news@signed-sender.com', headers: { 'List-Unsubscribe': '<https://x.test/u>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } });
    const tampered = msg.raw.replace('<https://x.test/u>', '<https://evil.test/u>');
    expect(tampered).not.toBe(msg.raw);
    expect((await verifyDkim(tampered))[0].status.result).not.toBe('pass');
  });

  it("signs mail from a subdomain with the verified parent's key (d= the verified domain)", async () => {
    const msg = await deliver({ to: 'dee@example.org', from: 'hi@letters.signed-sender.com' });
    const [result] = await verifyDkim(msg.raw);
    expect(result.status.result).toBe('pass');
    expect(result.signingDomain).toBe('signed-sender.com');
  });

  it('leaves mail from a domain that is not verified unsigned', async () => {
    const msg = await deliver({ to: 'eve@example.org', from: 'hello@not-a-domain-of-ours.com' });
    expect(msg.raw).not.toMatch(/^DKIM-Signature:/im);
  });
});
