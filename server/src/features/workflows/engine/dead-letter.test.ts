import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/context.js';
import { engineFixture } from '../../../../test/workflow-fixtures.js';
import { events } from '../../../db/schema/index.js';
import { MAX_DISPATCH_ATTEMPTS } from './dispatcher.service.js';

// An event whose dispatch keeps failing (a poison event) backs off exponentially, never holds up the
// events around it, and is dead-lettered after MAX_DISPATCH_ATTEMPTS. The failure is a database error
// at enrolment: a trigger this test installs in its own database refuses executions whose context
// (the event's data) says `poison`.

let t: TestContext;
let fx: ReturnType<typeof engineFixture>;

beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker({ workflowPoller: false });
  fx = engineFixture(t);
  await t.deps.db.execute(
    sql.raw(`create function test_poison_enrolment() returns trigger language plpgsql as $$
      begin
        if new.context ? 'poison' then raise exception 'poisoned enrolment'; end if;
        return new;
      end $$`),
  );
  await t.deps.db.execute(
    sql.raw('create trigger test_poison_enrolment before insert on workflow_executions for each row execute function test_poison_enrolment()'),
  );
});
afterAll(() => t.close());

const eventOf = async (contactId: string) => {
  const [row] = await t.deps.db.select().from(events).where(eq(events.contactId, contactId));
  return row;
};

/** Seconds from the database's now to the event's dispatch_after. */
async function backoffSeconds(id: string): Promise<number> {
  const [row] = await t.deps.db
    .select({ s: sql<number>`extract(epoch from ${events.dispatchAfter} - now())::float8` })
    .from(events)
    .where(eq(events.id, id));
  return Number(row.s);
}

/** Makes the event due now instead of waiting out its backoff. */
const makeDue = (id: string) => t.deps.db.update(events).set({ dispatchAfter: sql`now() - interval '1 second'` }).where(eq(events.id, id));

describe('dispatch dead-letter', () => {
  it('backs a poison event off, lets other events through, and dead-letters it after 8 attempts', async () => {
    expect(MAX_DISPATCH_ATTEMPTS).toBe(8);
    const wf = await fx.flow({ eventName: 'poison-test', allowReentry: true, steps: [{ key: 'exit', type: 'EXIT' }] });
    const before = await fx.track('before@example.com', 'poison-test');
    const poisonContact = await fx.track('poison@example.com', 'poison-test', { poison: true });
    const after = await fx.track('after@example.com', 'poison-test');

    // One batch: the poison event fails in its savepoint; the ones around it are enrolled.
    const first = await fx.sweep();
    expect(first.enrolled).toBe(2);
    const enrolled = (await fx.executions(wf.id)).map((e) => e.contact.id);
    expect(enrolled.sort()).toEqual([before, after].sort());
    const poison = await eventOf(poisonContact);
    expect(poison).toMatchObject({ dispatchPending: true, dispatchAttempts: 1, dispatchFailedAt: null });
    expect(poison.dispatchError).toMatch(/poisoned enrolment/);
    expect(poison.dispatchError!.length).toBeLessThanOrEqual(2000);
    const wait = await backoffSeconds(poison.id);
    expect(wait).toBeGreaterThan(30);
    expect(wait).toBeLessThanOrEqual(60);

    // While it backs off, later events are dispatched and it is not tried again.
    const later = await fx.track('later@example.com', 'poison-test');
    const second = await fx.sweep();
    expect(second).toMatchObject({ dispatched: 1, enrolled: 1 });
    expect((await fx.executions(wf.id)).map((e) => e.contact.id)).toContain(later);
    expect((await eventOf(poisonContact)).dispatchAttempts).toBe(1);

    // Attempts 2..7: still pending, the backoff doubles (60 s · 2^(n-1)), capped at one hour.
    for (let attempt = 2; attempt < MAX_DISPATCH_ATTEMPTS; attempt++) {
      await makeDue(poison.id);
      await fx.sweep();
      const row = await eventOf(poisonContact);
      expect(row).toMatchObject({ dispatchPending: true, dispatchAttempts: attempt, dispatchFailedAt: null });
      const expected = Math.min(60 * 2 ** (attempt - 1), 3600);
      const seconds = await backoffSeconds(poison.id);
      expect(seconds).toBeGreaterThan(expected - 30);
      expect(seconds).toBeLessThanOrEqual(expected);
    }

    // The 8th failure dead-letters it: no longer pending, stamped, logged.
    await makeDue(poison.id);
    await fx.sweep();
    const dead = await eventOf(poisonContact);
    expect(dead).toMatchObject({ dispatchPending: false, dispatchAttempts: MAX_DISPATCH_ATTEMPTS });
    expect(dead.dispatchFailedAt).toBeInstanceOf(Date);
    expect(dead.dispatchError).toMatch(/poisoned enrolment/);
    expect(t.logs.some((l) => l.includes('"level":50') && l.includes(poison.id) && l.includes('dead-letter'))).toBe(true);

    // Never tried again.
    await makeDue(poison.id);
    await fx.sweep();
    expect((await eventOf(poisonContact)).dispatchAttempts).toBe(MAX_DISPATCH_ATTEMPTS);
    expect((await fx.executions(wf.id)).map((e) => e.contact.id)).not.toContain(poisonContact);
  });
});
