import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { addVerifiedDomain, startDnsServer, type TestDnsServer } from '../../../test/dns-server.js';
import { createUserSession } from '../../../test/sessions.js';

let dns: TestDnsServer;
let t: TestContext;

beforeAll(async () => {
  dns = await startDnsServer();
  t = await createTestContext({ env: { DNS_SERVERS: dns.address, PUBLIC_URL: 'https://mail.mailwright.example.net', SPF_INCLUDE: 'include:_spf.mailwright.example.net', MX_HOST: 'mx.mailwright.example.net' } });
});
afterAll(async () => {
  await t.close();
  await dns.close();
});

const create = (domain: string, key?: string) => t.request('POST', '/domains', { key, body: { domain } });
const verify = (id: string, key?: string) => t.request('GET', `/domains/${id}/verify`, { key });
const record = (d: any, kind: string) => d.records.find((r: { kind: string }) => r.kind === kind);
const activityTypes = async () => (await t.request('GET', '/activity?limit=100')).json.data.map((a: { type: string }) => a.type);

describe('POST /domains', () => {
  it('answers 201 with every DNS record to publish and a fresh RSA-2048 DKIM key', async () => {
    const res = await create('Acme-Mail.com');
    expect(res.status).toBe(201);
    const d = res.json;
    expect(d).toMatchObject({ domain: 'acme-mail.com', status: 'PENDING', verified: false, returnPathHost: 'mw-bounces.acme-mail.com', failureReason: null });
    expect(d.selector).toMatch(/^mw\d{6}[a-z0-9]{6}$/);
    expect(d.records.map((r: any) => [r.kind, r.type, r.host, r.required, r.status])).toEqual([
      ['DKIM', 'TXT', `${d.selector}._domainkey.acme-mail.com`, true, 'PENDING'],
      ['SPF', 'TXT', 'acme-mail.com', true, 'PENDING'],
      ['RETURN_PATH_MX', 'MX', 'mw-bounces.acme-mail.com', true, 'PENDING'],
      ['RETURN_PATH_SPF', 'TXT', 'mw-bounces.acme-mail.com', true, 'PENDING'],
      ['DMARC', 'TXT', '_dmarc.acme-mail.com', false, 'PENDING'],
    ]);
    expect(record(d, 'SPF').value).toBe('v=spf1 include:_spf.mailwright.example.net ~all');
    expect(record(d, 'RETURN_PATH_SPF').value).toBe('v=spf1 include:_spf.mailwright.example.net ~all');
    expect(record(d, 'RETURN_PATH_MX').value).toBe('10 mx.mailwright.example.net');
    expect(record(d, 'DMARC').value).toMatch(/^v=DMARC1; p=quarantine; rua=mailto:/);
    const dkim = /^v=DKIM1; k=rsa; p=([A-Za-z0-9+/=]+)$/.exec(record(d, 'DKIM').value);
    expect(dkim).not.toBeNull();
    const key = createPublicKey({ key: Buffer.from(dkim![1], 'base64'), format: 'der', type: 'spki' });
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(res.body).not.toMatch(/PRIVATE KEY|dkimPrivateKey/i);
    expect(await activityTypes()).toContain('domain.created');
  });

  it('normalizes an internationalized name to punycode and drops a trailing dot', async () => {
    expect((await create('München.DE.')).json.domain).toBe('xn--mnchen-3ya.de');
  });

  it.each([
    ['192.0.2.10', 'IP address'],
    ['localhost', 'at least one dot'],
    ['mail.internal', 'not a public'],
    ['shop.test', 'not a public'],
    ['user@example.com', 'not a domain'],
    ['https://example.com/', 'not a domain'],
    ['bad_label.example.com', 'invalid label'],
  ])('refuses %s with 422', async (domain, why) => {
    const res = await create(domain);
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('VALIDATION_ERROR');
    expect(res.json.error.errors[0].field).toBe('domain');
    expect(res.json.error.message).toContain(why);
  });

  it('answers 409 for a domain the project already has', async () => {
    await create('twice.example.com');
    const again = await create('TWICE.example.com');
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('CONFLICT');
  });

  it('answers 409 when another project has the domain verified, and 201 while it is only pending there', async () => {
    const other = await t.newProject('Other');
    await addVerifiedDomain(t, dns, 'owned-elsewhere.com', other.secretKey);
    const res = await create('owned-elsewhere.com');
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain('verified by another project');
    await create('pending-elsewhere.com', other.secretKey);
    expect((await create('pending-elsewhere.com')).status).toBe(201);
  });
});

describe('GET /domains/:id/verify', () => {
  it('lists MISSING records while nothing is published, MISMATCH for wrong values, then VERIFIED once DNS serves them', async () => {
    const d = (await create('verify-me.com')).json;
    const first = await verify(d.id);
    expect(first.status).toBe(200);
    expect(first.json.status).toBe('PENDING');
    expect(first.json.records.map((r: any) => r.status)).toEqual(['MISSING', 'MISSING', 'MISSING', 'MISSING', 'MISSING']);
    expect(first.json.failureReason).toContain(`DKIM TXT record at ${d.selector}._domainkey.verify-me.com is missing`);
    expect(first.json.lastCheckedAt).not.toBeNull();

    dns.publish(d.records);
    dns.setTxt(record(d, 'DKIM').host, ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong']);
    dns.setMx(d.returnPathHost, [{ priority: 10, exchange: 'mx.someone-else.example.org' }]);
    const second = (await verify(d.id)).json;
    expect(second.status).toBe('PENDING');
    expect(record(second, 'DKIM')).toMatchObject({ status: 'MISMATCH', found: ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong'] });
    expect(record(second, 'RETURN_PATH_MX')).toMatchObject({ status: 'MISMATCH', found: ['10 mx.someone-else.example.org'] });
    expect(record(second, 'SPF').status).toBe('VERIFIED');
    expect(second.failureReason).toContain('does not match');

    dns.setTxt(record(d, 'DKIM').host, [record(d, 'DKIM').value]);
    dns.setMx(d.returnPathHost, [{ priority: 10, exchange: 'MX.mailwright.example.net.' }]);
    const third = (await verify(d.id)).json;
    expect(third).toMatchObject({ status: 'VERIFIED', verified: true, failureReason: null });
    expect(third.verifiedAt).not.toBeNull();
    expect(third.records.map((r: any) => r.status)).toEqual(['VERIFIED', 'VERIFIED', 'VERIFIED', 'VERIFIED', 'VERIFIED']);
    expect((await t.request('GET', `/domains/${d.id}`)).json.status).toBe('VERIFIED');
    expect(await activityTypes()).toContain('domain.verified');
  });

  it('verifies without DMARC (recommended, not required) and accepts an SPF record that has other mechanisms too', async () => {
    const d = (await create('no-dmarc.com')).json;
    dns.publish(d.records.filter((r: any) => r.kind !== 'DMARC' && r.kind !== 'SPF'));
    dns.setTxt('no-dmarc.com', ['google-site-verification=abc', 'v=spf1 include:_spf.google.com include:_spf.mailwright.example.net ~all']);
    const res = (await verify(d.id)).json;
    expect(res.status).toBe('VERIFIED');
    expect(record(res, 'DMARC').status).toBe('MISSING');
  });

  it('refuses two SPF records on one name (an SPF permerror)', async () => {
    const d = (await create('two-spf.com')).json;
    dns.publish(d.records);
    dns.setTxt('two-spf.com', [record(d, 'SPF').value, 'v=spf1 a ~all']);
    const res = (await verify(d.id)).json;
    expect(res.status).toBe('PENDING');
    expect(record(res, 'SPF').status).toBe('MISMATCH');
  });
});

describe('reading and deleting', () => {
  it('lists the project\'s domains, also under /domains/project/:projectId for its own id only', async () => {
    const list = await t.request('GET', '/domains');
    expect(list.status).toBe(200);
    expect(list.json.map((d: any) => d.domain)).toEqual(expect.arrayContaining(['acme-mail.com', 'verify-me.com']));
    expect(list.json.every((d: any) => d.projectId === t.project.id)).toBe(true);
    const alias = await t.request('GET', `/domains/project/${t.project.id}`);
    expect(alias.json).toEqual(list.json);
    const other = await t.newProject('Someone else');
    expect((await t.request('GET', `/domains/project/${other.id}`)).status).toBe(404);
  });

  it("answers 404 for another project's domain on every route", async () => {
    const other = await t.newProject('Foreign');
    const foreign = (await create('foreign-domain.com', other.secretKey)).json;
    for (const [method, url] of [['GET', `/domains/${foreign.id}`], ['GET', `/domains/${foreign.id}/verify`], ['DELETE', `/domains/${foreign.id}`]]) {
      const res = await t.request(method, url);
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    expect((await t.request('GET', `/domains/${foreign.id}`, { key: other.secretKey })).status).toBe(200);
  });

  it('deletes an unused domain with 204 and records it', async () => {
    const d = (await create('delete-me.com')).json;
    expect((await t.request('DELETE', `/domains/${d.id}`)).status).toBe(204);
    expect((await t.request('GET', `/domains/${d.id}`)).status).toBe(404);
    expect(await activityTypes()).toContain('domain.deleted');
  });

  it('works with a dashboard session: members read and verify, adding and removing needs ADMIN', async () => {
    const member = await createUserSession(t, { memberOf: [{ projectId: t.project.id, role: 'MEMBER' }] });
    const admin = await createUserSession(t, { memberOf: [{ projectId: t.project.id, role: 'ADMIN' }] });
    const asMember = (method: string, url: string, body?: unknown) => t.request(method, url, { key: null, headers: member.forProject(t.project.id), body });
    expect((await asMember('GET', '/domains')).status).toBe(200);
    expect((await asMember('POST', '/domains', { domain: 'by-member.com' })).status).toBe(403);
    const created = await t.request('POST', '/domains', { key: null, headers: admin.forProject(t.project.id), body: { domain: 'by-admin.com' } });
    expect(created.status).toBe(201);
    expect((await asMember('GET', `/domains/${created.json.id}/verify`)).status).toBe(200);
  });
});
