import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { createUserSession } from '../../../test/sessions.js';
import { apiRequests, sessions } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';
import { registerActivityJobs } from './activity.jobs.js';
import { purgeRequestLog } from './request-log.service.js';

// The API request log through the API: rows appear about a second after the response (batched).

let t: TestContext;
let a: ProjectWithKeys;

beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
  a = t.project;
});
afterAll(() => t?.close());

type Row = { id: string; requestId: string; method: string; path: string; status: number; durationMs: number; authType: string | null; ip: string | null; errorCode: string | null; createdAt: string };

/** Waits until the log row of `requestId` is readable through GET /activity/requests. */
async function loggedRow(requestId: string, key = a.secretKey): Promise<Row> {
  return waitFor(async () => {
    const res = await t.request('GET', '/activity/requests?limit=100', { key });
    return (res.json.data as Row[]).find((r) => r.requestId === requestId);
  }, 10_000, `request log row ${requestId}`);
}

const allStoredRows = () => t.deps.db.select().from(apiRequests);

describe('what is logged', () => {
  it('records a /v1/send: method, path without the query, status, duration, key kind and IP', async () => {
    const send = await t.request('POST', '/v1/send?token=secret', { body: { to: 'log@example.com', subject: 'Hi', body: '<p>Hi</p>' } });
    expect(send.status, send.body).toBe(200);
    const row = await loggedRow(send.headers['x-request-id']);
    expect(row).toMatchObject({ method: 'POST', path: '/v1/send', status: 200, authType: 'secret_key', errorCode: null });
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
    expect(row.ip).toBe('127.0.0.1');
    expect(Date.now() - Date.parse(row.createdAt)).toBeLessThan(60_000);
  });

  it('records a 422 with its error code', async () => {
    const bad = await t.request('POST', '/v1/send', { body: { to: 'not-an-address' } });
    expect(bad.status).toBe(422);
    const row = await loggedRow(bad.headers['x-request-id']);
    expect(row).toMatchObject({ method: 'POST', path: '/v1/send', status: 422, errorCode: 'VALIDATION_ERROR', authType: 'secret_key' });
  });

  it('records dashboard calls as session calls, with the user', async () => {
    const user = await createUserSession(t, { memberOf: [{ projectId: a.id, role: 'MEMBER' }] });
    const res = await t.request('GET', '/contacts?limit=1', { key: null, headers: { ...user.forProject(a.id), 'user-agent': 'x'.repeat(500) } });
    expect(res.status).toBe(200);
    const row = await loggedRow(res.headers['x-request-id']);
    expect(row).toMatchObject({ method: 'GET', path: '/contacts', status: 200, authType: 'session' });
    const [stored] = await t.deps.db.select().from(apiRequests).where(eq(apiRequests.id, row.id));
    expect(stored.userId).toBe(user.userId);
    expect(stored.projectId).toBe(a.id);
    expect(stored.userAgent).toHaveLength(300);
  });

  it('never stores a key, a query string, cookies or bodies', async () => {
    const user = await createUserSession(t, { memberOf: [{ projectId: a.id, role: 'MEMBER' }] });
    const calls = [
      await t.request('GET', '/contacts?token=secret&limit=1'),
      await t.request('GET', `/contacts/${a.secretKey}`),
      await t.request('GET', '/templates?token=secret', { key: null, headers: user.forProject(a.id) }),
      await t.request('POST', '/contacts', { body: { email: 'body-marker@example.com', data: { note: 'body-marker' } } }),
    ];
    const rows = await Promise.all(calls.map((c) => loggedRow(c.headers['x-request-id'])));
    expect(rows.map((r) => r.path)).toEqual(['/contacts', '/contacts/sk_[REDACTED]', '/templates', '/contacts']);
    const stored = JSON.stringify(await allStoredRows());
    for (const secret of [a.secretKey, a.publicKey, 'token=secret', '?', user.token, 'body-marker']) {
      expect(stored.includes(secret), secret.slice(0, 12)).toBe(false);
    }
  });

  it('skips health checks and calls nobody could be identified for', async () => {
    const probes = [
      await t.request('GET', '/health', { key: null }),
      await t.request('GET', '/activity', { key: 'sk_live_leaked_or_wrong' }),
      await t.request('GET', '/no-such-route', { key: null }),
    ];
    // Rows are written in arrival order, so once a later call is in, the earlier ones would be too.
    const marker = await t.request('GET', '/templates');
    await loggedRow(marker.headers['x-request-id']);
    const ids = new Set((await allStoredRows()).map((r) => r.requestId));
    for (const p of probes) expect(ids.has(p.headers['x-request-id'])).toBe(false);
  });
});

describe('GET /activity/requests', () => {
  let p: ProjectWithKeys;
  const base = Date.parse('2024-06-01T00:00:00Z');

  beforeAll(async () => {
    p = await t.newProject('Requests');
    const statuses = [200, 201, 404, 422, 500];
    await t.deps.db.insert(apiRequests).values(
      Array.from({ length: 23 }, (_, i) => ({
        requestId: `seed-${i}`,
        projectId: p.id,
        method: i % 2 ? 'POST' : 'GET',
        path: `/seed/${i}`,
        status: statuses[i % 5],
        durationMs: i,
        authType: 'secret_key',
        // Groups of equal timestamps: only the id orders them.
        createdAt: new Date(base + Math.floor(i / 4) * 60_000),
      })),
    );
  });

  const list = async (query: string) => {
    const res = await t.request('GET', `/activity/requests?${query}`, { key: p.secretKey });
    expect(res.status, res.body).toBe(200);
    return (res.json.data as Row[]).filter((r) => r.requestId.startsWith('seed-'));
  };

  it('filters by exact status, status class, method and time range', async () => {
    expect((await list('status=404&limit=100')).map((r) => r.status)).toEqual(Array(5).fill(404));
    expect(new Set((await list('status=4xx&limit=100')).map((r) => r.status))).toEqual(new Set([404, 422]));
    expect((await list('status=4xx&limit=100')).length).toBe(9);
    expect((await list('method=post&limit=100')).every((r) => r.method === 'POST')).toBe(true);
    expect((await list('method=POST&limit=100')).length).toBe(11);
    const ranged = await list(`from=${new Date(base + 60_000).toISOString()}&to=${new Date(base + 120_000).toISOString()}&limit=100`);
    expect(ranged.map((r) => r.requestId).sort()).toEqual(['seed-10', 'seed-11', 'seed-4', 'seed-5', 'seed-6', 'seed-7', 'seed-8', 'seed-9']);
    for (const q of ['status=abc', 'status=600', 'method=GE T', 'limit=500']) {
      expect((await t.request('GET', `/activity/requests?${q}`, { key: p.secretKey })).status, q).toBe(422);
    }
  });

  it('pages newest first through every row exactly once', async () => {
    const seen: Row[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const q: string = ['from=2024-01-01', 'limit=5', cursor && `cursor=${encodeURIComponent(cursor)}`].filter(Boolean).join('&');
      const res = await t.request('GET', `/activity/requests?${q}`, { key: p.secretKey });
      expect(res.status, res.body).toBe(200);
      seen.push(...res.json.data);
      if (!res.json.hasMore) break;
      cursor = res.json.cursor;
    }
    const seeds = seen.filter((r) => r.requestId.startsWith('seed-'));
    expect(seeds).toHaveLength(23);
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    const times = seen.map((r) => Date.parse(r.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it("keeps each project's log to itself, cursors included", async () => {
    const mine = await t.request('GET', '/activity/requests?limit=2', { key: p.secretKey });
    expect(mine.json.cursor).toBeTruthy();
    const other = await t.request('GET', '/activity/requests?limit=100', { key: a.secretKey });
    expect(other.json.data.some((r: Row) => r.requestId.startsWith('seed-'))).toBe(false);
    const foreign = await t.request('GET', `/activity/requests?limit=2&cursor=${encodeURIComponent(mine.json.cursor)}`, { key: a.secretKey });
    expect(foreign.status, foreign.body).toBe(400);
  });
});

describe('retention', () => {
  const day = 86_400_000;

  it('the daily job deletes request rows older than the retention period and expired sessions', async () => {
    const p = await t.newProject('Retention');
    const now = Date.now();
    const row = (name: string, ageDays: number) => ({
      requestId: name, projectId: p.id, method: 'GET', path: '/x', status: 200, durationMs: 1, createdAt: new Date(now - ageDays * day),
    });
    await t.deps.db.insert(apiRequests).values([row('old-40', 40), row('old-31', 31), row('new-29', 29), row('new-0', 0)]);
    const user = await createUserSession(t);
    await t.deps.db.insert(sessions).values([
      { id: 'expired-session', userId: user.userId, expiresAt: new Date(now - day) },
      { id: 'live-session', userId: user.userId, expiresAt: new Date(now + day) },
    ]);

    await registerActivityJobs(t.deps.queue, t.deps);
    await t.deps.queue.enqueue('activity.purge-request-log', {});
    await waitFor(async () => !(await allStoredRows()).some((r) => r.requestId === 'old-31'), 15_000, 'the purge job');

    const left = (await allStoredRows()).filter((r) => r.projectId === p.id).map((r) => r.requestId).sort();
    expect(left).toEqual(['new-0', 'new-29']);
    const sessionIds = (await t.deps.db.select().from(sessions)).map((s) => s.id);
    expect(sessionIds).toContain('live-session');
    expect(sessionIds).not.toContain('expired-session');
  });

  it('deletes in batches until none are left', async () => {
    const p = await t.newProject('Batches');
    const old = new Date(Date.now() - 45 * day);
    await t.deps.db.insert(apiRequests).values(
      Array.from({ length: 7 }, (_, i) => ({ requestId: `b-${i}`, projectId: p.id, method: 'GET', path: '/x', status: 200, durationMs: 1, createdAt: old })),
    );
    const result = await purgeRequestLog(t.deps, { batchSize: 2 });
    expect(result.requests).toBe(7);
    expect((await allStoredRows()).filter((r) => r.projectId === p.id)).toEqual([]);
  });
});

describe('REQUEST_LOGGING=false', () => {
  it('writes nothing', async () => {
    const off = await createTestContext({ env: { REQUEST_LOGGING: 'false' } });
    try {
      const res = await off.request('GET', '/contacts');
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 1500)); // longer than a flush interval
      expect(await off.deps.db.select().from(apiRequests)).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
