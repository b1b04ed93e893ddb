import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildApp } from '../app.js';
import { openDatabase, type Database } from '../db/client.js';

// The API in front of a PostgreSQL that is not there (stopped, restarting, unreachable): every request
// that needs the database gets a quick 503 SERVICE_UNAVAILABLE in the usual error body, never a 500 or
// a hang. npm run test:faults checks the same through a real restart.

let t: TestContext;
let down: Database;
let app: Awaited<ReturnType<typeof buildApp>>;

/** A port nothing listens on: connections to it are refused at once, like a stopped server's. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

beforeAll(async () => {
  t = await createTestContext();
  down = await openDatabase({ kind: 'postgres', url: `postgres://postgres@127.0.0.1:${await closedPort()}/mailwright`, poolSize: 2 });
  app = await buildApp({ ...t.deps, database: down, db: down.db });
});

afterAll(async () => {
  await app?.close();
  await down?.close();
  await t?.close();
});

async function call(method: 'GET' | 'POST', url: string, key: string, body?: unknown) {
  const started = performance.now();
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, payload: body as object | undefined });
  return { res, json: res.json(), ms: performance.now() - started };
}

describe('database unavailable', () => {
  it('answers /v1/track with a quick 503 SERVICE_UNAVAILABLE, a request id and Retry-After', async () => {
    const { res, json, ms } = await call('POST', '/v1/track', t.project.publicKey, { event: 'signed-up', email: 'ada@example.com' });
    expect(res.statusCode).toBe(503);
    expect(json.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', statusCode: 503, requestId: res.headers['x-request-id'] });
    expect(json.error.message).toMatch(/temporarily unavailable/);
    expect(res.headers['retry-after']).toBe('5');
    expect(ms).toBeLessThan(3000);
  });

  it('answers /v1/send with 503, not 500', async () => {
    const { res, json } = await call('POST', '/v1/send', t.project.secretKey, { to: 'ada@example.com', subject: 'Hi', body: '<p>Hi</p>' });
    expect(res.statusCode).toBe(503);
    expect(json.error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('answers resource routes with 503 too, and says nothing about the driver error', async () => {
    const { res, json } = await call('GET', '/contacts', t.project.secretKey);
    expect(res.statusCode).toBe(503);
    expect(json.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.body).not.toMatch(/ECONNREFUSED|select|Failed query/i);
  });
});
