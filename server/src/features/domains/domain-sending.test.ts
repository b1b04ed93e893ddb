import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { addVerifiedDomain, startDnsServer, type TestDnsServer } from '../../../test/dns-server.js';
import { emails, inboxMessages, projects } from '../../db/schema/index.js';

// REQUIRE_VERIFIED_DOMAINS=true: the sender's domain must be a VERIFIED domain of the project, when a
// send is accepted and again when the worker picks it up.

let dns: TestDnsServer;
let t: TestContext;
let verified: any;

beforeAll(async () => {
  dns = await startDnsServer();
  t = await createTestContext({ env: { DNS_SERVERS: dns.address, REQUIRE_VERIFIED_DOMAINS: 'true' } });
  verified = await addVerifiedDomain(t, dns, 'verified-sender.com');
});
afterAll(async () => {
  await t.close();
  await dns.close();
});

const send = (from: string) => t.request('POST', '/v1/send', { body: { to: 'reader@example.org', from, subject: 'Hello', body: '<p>Hi</p>' } });
const emailStatus = async (id: string) => (await t.request('GET', `/emails/${id}`)).json;
const settled = (id: string) =>
  waitFor(async () => {
    const e = await emailStatus(id);
    return ['SENT', 'FAILED'].includes(e.status) ? e : null;
  }, 20_000, `email ${id} to settle`);

describe('before the worker runs', () => {
  it('refuses a sender on an unknown domain with 403 DOMAIN_NOT_VERIFIED naming the domain and /domains', async () => {
    const res = await send('news@unknown-sender.com');
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('DOMAIN_NOT_VERIFIED');
    expect(res.json.error.message).toContain('"unknown-sender.com"');
    expect(res.json.error.message).toContain('/domains');
    const queued = await t.deps.db.select().from(emails).where(eq(emails.fromEmail, 'news@unknown-sender.com'));
    expect(queued).toEqual([]);
  });

  it('refuses a domain that was added but is not verified yet', async () => {
    await t.request('POST', '/domains', { body: { domain: 'pending-sender.com' } });
    expect((await send('hello@pending-sender.com')).json.error.code).toBe('DOMAIN_NOT_VERIFIED');
  });

  it("refuses another project's verified domain", async () => {
    const other = await t.newProject('Other');
    await addVerifiedDomain(t, dns, 'someone-elses.com', other.secretKey);
    expect((await send('hello@someone-elses.com')).status).toBe(403);
  });

  it('fails an accepted email whose domain lost its verification before the worker ran, and refuses to delete the domain meanwhile', async () => {
    const d = await addVerifiedDomain(t, dns, 'about-to-break.com');
    const res = await send('hello@about-to-break.com');
    expect(res.status).toBe(200);
    const emailId = res.json.data.emails[0].email;

    const del = await t.request('DELETE', `/domains/${d.id}`);
    expect(del.status).toBe(409);
    expect(del.json.error.code).toBe('CONFLICT');
    expect(del.json.error.message).toContain('in use');

    dns.remove(d.records[0].host); // the DKIM record
    expect((await t.request('GET', `/domains/${d.id}/verify`)).json.status).toBe('FAILED');

    await t.startWorker();
    const email = await settled(emailId);
    expect(email.status).toBe('FAILED');
    expect(email.reason ?? email.statusReason).toContain('"about-to-break.com" is not a verified sending domain');
    expect(await t.deps.db.select().from(inboxMessages).where(eq(inboxMessages.emailId, emailId))).toEqual([]);

    expect((await t.request('DELETE', `/domains/${d.id}`)).status).toBe(204);
  });
});

describe('with the worker running', () => {
  beforeAll(() => t.startWorker());

  it('accepts and delivers mail from the verified domain', async () => {
    const res = await send('hello@verified-sender.com');
    expect(res.status).toBe(200);
    expect((await settled(res.json.data.emails[0].email)).status).toBe('SENT');
  });

  it('covers subdomains of a verified domain', async () => {
    const res = await send('news@letters.verified-sender.com');
    expect(res.status).toBe(200);
    expect((await settled(res.json.data.emails[0].email)).status).toBe('SENT');
  });

  it('does not let a look-alike domain ride on a verified one', async () => {
    expect((await send('hello@notverified-sender.com')).status).toBe(403);
    expect((await send('hello@verified-sender.com.evil.org')).status).toBe(403);
  });

  it('exempts account mail from the system project (its sender domain is never verified)', async () => {
    const signup = await t.request('POST', '/auth/signup', { key: null, body: { email: 'owner@example.org', password: 'correct horse battery staple' }, headers: { origin: new URL(t.deps.config.publicUrl).origin } });
    expect(signup.status, signup.body).toBe(201);
    const reset = await t.request('POST', '/auth/request-password-reset', { key: null, body: { email: 'owner@example.org' }, headers: { origin: new URL(t.deps.config.publicUrl).origin } });
    expect(reset.status).toBe(200);
    const [system] = await t.deps.db.select().from(projects).where(eq(projects.isSystem, true));
    const sent = await waitFor(async () => {
      const [row] = await t.deps.db.select().from(emails).where(and(eq(emails.projectId, system.id), eq(emails.toEmail, 'owner@example.org')));
      return row && row.status !== 'PENDING' && row.status !== 'SENDING' ? row : null;
    }, 20_000, 'the reset email');
    expect(sent.status).toBe('SENT');
    expect(verified.domain).toBe('verified-sender.com');
  });
});
