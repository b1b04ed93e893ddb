import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { addVerifiedDomain, startDnsServer, type TestDnsServer } from '../../../test/dns-server.js';
import { JOBS } from '../../jobs/catalog.js';
import { registerDomainJobs } from './domains.jobs.js';

let dns: TestDnsServer;
let t: TestContext;

beforeAll(async () => {
  dns = await startDnsServer();
  t = await createTestContext({ env: { DNS_SERVERS: dns.address } });
  await registerDomainJobs(t.deps.queue, t.deps);
});
afterAll(async () => {
  await t.close();
  await dns.close();
});

const getDomain = async (id: string) => (await t.request('GET', `/domains/${id}`)).json;
const dkimOf = (d: any) => d.records.find((r: { kind: string }) => r.kind === 'DKIM');

/** Runs the periodic job once through the queue, the way the cron tick does, and waits for its check of `id`. */
async function runPeriodicCheck(id: string) {
  const before = (await getDomain(id)).lastCheckedAt;
  await t.deps.queue.enqueue('domain.verify', {});
  return waitFor(async () => {
    const d = await getDomain(id);
    return d.lastCheckedAt !== before ? d : null;
  }, 20_000, 'the periodic domain check');
}

describe('the periodic domain.verify job', () => {
  it('runs every few minutes', () => {
    expect(JOBS['domain.verify'].cron).toBe('*/5 * * * *');
  });

  it('un-verifies a domain whose DKIM record disappeared, says why in GET /domains/:id and in Activity', async () => {
    const d = await addVerifiedDomain(t, dns, 'loses-a-record.com');
    dns.remove(dkimOf(d).host);
    const after = await runPeriodicCheck(d.id);
    expect(after.status).toBe('FAILED');
    expect(after.verified).toBe(false);
    expect(after.failureReason).toBe(`DKIM TXT record at ${dkimOf(d).host} is missing`);
    expect(dkimOf(after).status).toBe('MISSING');
    const activity = (await t.request('GET', '/activity?limit=100')).json.data;
    const entry = activity.find((a: { type: string }) => a.type === 'domain.unverified');
    expect(entry.summary).toContain(`${dkimOf(d).host} is missing`);
    expect(entry.actor?.type ?? entry.actorType).toBe('system');

    dns.setTxt(dkimOf(d).host, [dkimOf(d).value]);
    const back = await runPeriodicCheck(d.id);
    expect(back).toMatchObject({ status: 'VERIFIED', failureReason: null });
  });

  it('verifies a pending domain as soon as its records appear', async () => {
    const created = (await t.request('POST', '/domains', { body: { domain: 'published-later.com' } })).json;
    dns.publish(created.records);
    expect((await runPeriodicCheck(created.id)).status).toBe('VERIFIED');
  });

  it('keeps a verified domain verified while the resolver fails (SERVFAIL proves nothing)', async () => {
    const d = await addVerifiedDomain(t, dns, 'flaky-resolver.com');
    dns.setBroken(dkimOf(d).host, true);
    try {
      const after = await runPeriodicCheck(d.id);
      expect(after.status).toBe('VERIFIED');
      expect(dkimOf(after).status).toBe('VERIFIED');
    } finally {
      dns.setBroken(dkimOf(d).host, false);
    }
  });
});
