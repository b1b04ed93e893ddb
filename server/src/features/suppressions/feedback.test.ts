import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { emails, events, suppressions } from '../../db/schema/index.js';
import { applyBounce, applyComplaint, applyDelivery } from './bounce.service.js';

// The feedback functions every source uses (MX listener, SNS): status precedence SENT < DELIVERED <
// BOUNCED < COMPLAINED, idempotency, suppression on hard bounces and complaints.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker();
});
afterAll(() => t.close());

async function sentEmail(to: string) {
  const res = await t.request('POST', '/v1/send', { body: { to, subject: 'S', body: '<p>B</p>' } });
  const id: string = res.json.data.emails[0].email;
  return waitFor(async () => {
    const [row] = await t.deps.db.select().from(emails).where(eq(emails.id, id));
    return row.status === 'SENT' ? row : null;
  }, 15_000, `${to} to be sent`);
}

const row = async (id: string) => (await t.deps.db.select().from(emails).where(eq(emails.id, id)))[0];
const eventNames = async (id: string) => (await t.deps.db.select().from(events).where(eq(events.emailId, id)).orderBy(events.createdAt)).map((e) => e.name).filter((n) => n !== 'email.sent');
const listed = async (address: string) => (await t.deps.db.select().from(suppressions).where(and(eq(suppressions.projectId, t.project.id), eq(suppressions.email, address))))[0];

describe('feedback about sent mail', () => {
  it('applies a delivery once, by Message-ID with or without angle brackets', async () => {
    const email = await sentEmail('delivered@feedback.test');
    const at = new Date('2030-01-01T00:00:00Z');
    expect(await applyDelivery(t.deps.db, { messageId: email.messageId! }, at)).toBe('applied');
    expect(await applyDelivery(t.deps.db, { messageId: email.messageId!.slice(1, -1) }, at)).toBe('duplicate');
    expect(await row(email.id)).toMatchObject({ status: 'DELIVERED', deliveredAt: at });
    expect(await eventNames(email.id)).toEqual(['email.delivered']);
  });

  it('moves up to BOUNCED then COMPLAINED, never back down, and suppresses the address', async () => {
    const email = await sentEmail('climb@feedback.test');
    await t.deps.db.update(emails).set({ providerMessageId: 'ses-climb' }).where(eq(emails.id, email.id));
    const ref = { providerMessageId: 'ses-climb' };
    expect(await applyBounce(t.deps.db, ref, { source: 'sns', reason: 'smtp; 550 5.1.1 unknown', hard: true })).toBe('applied');
    expect((await row(email.id)).status).toBe('BOUNCED');
    expect(await listed('climb@feedback.test')).toMatchObject({ reason: 'HARD_BOUNCE', source: 'sns', emailId: email.id });

    // A late delivery notice is recorded but does not undo the bounce.
    expect(await applyDelivery(t.deps.db, ref, new Date())).toBe('applied');
    expect((await row(email.id)).status).toBe('BOUNCED');

    expect(await applyComplaint(t.deps.db, { emailId: email.id }, { source: 'sns', reason: 'abuse' })).toBe('applied');
    expect(await applyComplaint(t.deps.db, { emailId: email.id }, { source: 'sns', reason: 'abuse' })).toBe('duplicate');
    const final = await row(email.id);
    expect(final.status).toBe('COMPLAINED');
    expect(final.bouncedAt).not.toBeNull();
    expect(await eventNames(email.id)).toEqual(['email.bounced', 'email.delivered', 'email.complained']);
    // The first reason stays on the list.
    expect((await listed('climb@feedback.test')).reason).toBe('HARD_BOUNCE');
  });

  it('keeps COMPLAINED when a hard bounce arrives after the complaint', async () => {
    const email = await sentEmail('complaint-first@feedback.test');
    expect(await applyComplaint(t.deps.db, { emailId: email.id }, { source: 'arf', reason: 'abuse' })).toBe('applied');
    expect(await applyBounce(t.deps.db, { emailId: email.id }, { source: 'dsn', reason: '5.1.1', hard: true })).toBe('applied');
    expect(await row(email.id)).toMatchObject({ status: 'COMPLAINED', bounceType: 'HARD' });
    expect((await listed('complaint-first@feedback.test')).reason).toBe('COMPLAINT');
  });

  it('records a soft bounce as a reason and an event only, once per reason', async () => {
    const email = await sentEmail('soft@feedback.test');
    const bounce = { source: 'sns', reason: 'mailbox full', hard: false };
    expect(await applyBounce(t.deps.db, { emailId: email.id }, bounce)).toBe('applied');
    expect(await applyBounce(t.deps.db, { emailId: email.id }, bounce)).toBe('duplicate');
    expect(await row(email.id)).toMatchObject({ status: 'SENT', statusReason: 'Soft bounce (sns): mailbox full', bouncedAt: null });
    expect(await listed('soft@feedback.test')).toBeUndefined();
    expect(await eventNames(email.id)).toEqual(['email.bounced']);
  });

  it('applies concurrent copies of one notification exactly once', async () => {
    const email = await sentEmail('race@feedback.test');
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => applyBounce(t.deps.db, { emailId: email.id }, { source: 'sns', reason: '550', hard: true })),
    );
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(4);
    expect(await eventNames(email.id)).toEqual(['email.bounced']);
  });

  it("answers 'unknown' for an email it cannot find", async () => {
    expect(await applyBounce(t.deps.db, { messageId: '<nobody@nowhere.test>' }, { source: 'sns', reason: 'x', hard: true })).toBe('unknown');
    expect(await applyComplaint(t.deps.db, { emailId: 'not-a-uuid' }, { source: 'sns', reason: 'x' })).toBe('unknown');
    expect(await applyDelivery(t.deps.db, { providerMessageId: 'missing' }, new Date())).toBe('unknown');
  });
});
