import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { queryRows, sql } from '../db/client.js';
import { JOBS } from './catalog.js';
import { createJobQueue } from './queue.js';

// Queue settings live in the catalogue; a database created by an older version must pick up today's
// (the heartbeat that hands a killed worker's jobs back, the retry backoff cap) when a process starts.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t?.close();
});

const emailQueue = async () =>
  (
    await queryRows<{ heartbeat: number | null; retryLimit: number; retryDelayMax: number | null }>(
      t.deps.db,
      sql`select heartbeat_seconds as heartbeat, retry_limit as "retryLimit", retry_delay_max as "retryDelayMax" from pgboss.queue where name = 'email.send'`,
    )
  )[0];

describe('job queue start', () => {
  it('applies the catalogue settings to a queue created with older ones', async () => {
    await t.deps.db.execute(sql`update pgboss.queue set heartbeat_seconds = null, retry_limit = 20, retry_delay_max = null where name = 'email.send'`);
    const queue = createJobQueue(t.deps.database);
    await queue.start();
    await queue.stop({ graceful: false });
    expect(await emailQueue()).toEqual({ heartbeat: JOBS['email.send'].queue.heartbeatSeconds, retryLimit: JOBS['email.send'].queue.retryLimit, retryDelayMax: 30 });
  });
});
