import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/client.js';
import { createTestContext, waitFor, type TestContext } from './context.js';

// Keys must never be echoed, logged or stored in the clear: not even when a client puts them in
// the wrong place, and not in the database (only a hash and an encrypted copy).

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ env: { LOG_LEVEL: 'debug' } });
  await t.startWorker();
});
afterAll(() => t.close());

// Returns which keys leaked, by name only: a failing assertion must not print the key itself.
const leaks = (text: string) =>
  Object.entries({ secretKey: t.project.secretKey, publicKey: t.project.publicKey })
    .filter(([, k]) => text.includes(k) || text.includes(k.slice(3)))
    .map(([name]) => name);
const leakingLines = (lines: string[]) => lines.filter((l) => leaks(l).length).map((l) => l.replace(/(pk|sk)?_?[0-9A-Za-z]{49}/g, '<KEY>').slice(0, 300));

describe('keys never leak', () => {
  it('are not echoed or logged when sent in the wrong places or with bad requests', async () => {
    const sk = t.project.secretKey;
    const pk = t.project.publicKey;
    await t.request('POST', `/v1/send?key=${sk}`, { key: pk, body: { to: 'a@example.com', subject: 's', body: 'b' } });
    await t.request('POST', '/v1/send', { key: null, headers: { 'x-api-key': sk, 'x-request-id': sk }, body: { to: sk } });
    await t.request('POST', '/v1/send', { key: sk, body: { to: 'not-an-email', subject: sk, body: sk, from: sk } });
    await t.request('POST', '/v1/track', { key: pk, body: { event: sk, email: sk } });
    await t.request('POST', '/v1/track', { key: pk, rawBody: `{"event": "${sk}"` });
    await t.request('GET', `/emails/${sk}`, { key: sk });
    await t.request('GET', `/nowhere/${pk}`, { key: null, headers: { authorization: `Basic ${sk}` } });
    await t.request('POST', '/v1/send', { key: sk.slice(0, -2) + 'zz', body: { to: 'a@example.com', subject: 's', body: 'b' } });
    expect(t.logs.length).toBeGreaterThan(5);
    expect(leakingLines(t.logs)).toEqual([]);
    expect(leakingLines(t.bodies)).toEqual([]);
  });

  it('are not written to the database in the clear, nor to job payloads or activity', async () => {
    const sk = t.project.secretKey;
    const res = await t.request('POST', '/v1/send', { body: { to: 'b@example.com', subject: `key ${sk}`, body: '<p>x</p>' } });
    await waitFor(async () => (await t.request('GET', `/emails/${res.json.data.emails[0].email}`)).json.status === 'SENT');
    // The request log is written in batches about once a second.
    await waitFor(async () => (await queryRows<{ n: number }>(t.deps.db, sql`select count(*)::int as n from api_requests`))[0].n > 0);
    const tables = ['projects', 'activities', 'pgboss.job', 'api_requests'];
    for (const table of tables) {
      const rows = await queryRows<{ r: string }>(t.deps.db, sql.raw(`select row_to_json(x)::text as r from ${table} x`));
      const dump = rows.map((row) => row.r).join('\n');
      expect(leaks(dump), table).toEqual([]);
    }
  });

  it('passwords and session tokens are never echoed, logged or stored in the clear', async () => {
    const password = 'Tr0ub4dor&3-never-logged';
    const origin = new URL(t.deps.config.publicUrl).origin;
    await t.request('POST', '/auth/signup', { key: null, headers: { origin }, body: { email: 'pw@example.com', password } });
    await t.request('POST', '/auth/login', { key: null, headers: { origin }, body: { email: 'pw@example.com', password: `${password}x` } });
    const login = await t.request('POST', '/auth/login', { key: null, headers: { origin }, body: { email: 'pw@example.com', password } });
    const token = /mw_session=([^;]+)/.exec(String(login.headers['set-cookie']))![1];
    await t.request('GET', '/users/@me', { key: null, headers: { cookie: `mw_session=${token}` } });
    const secrets = [password, token];
    const found = (text: string) => secrets.filter((x) => text.includes(x)).length;
    expect(t.logs.filter(found)).toEqual([]);
    expect(t.bodies.filter(found)).toEqual([]);
    for (const table of ['users', 'sessions', 'activities', 'api_requests']) {
      const rows = await queryRows<{ r: string }>(t.deps.db, sql.raw(`select row_to_json(x)::text as r from ${table} x`));
      expect(found(rows.map((row) => row.r).join('\n')), table).toBe(0);
    }
  });
});
