import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { activities, contacts, events } from '../../db/schema/index.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const track = (body: unknown, key = t.project.publicKey) => t.request('POST', '/v1/track', { key, body });
const contactOf = async (email: string) =>
  (await t.deps.db.select().from(contacts).where(and(eq(contacts.projectId, t.project.id), eq(contacts.email, email))))[0];
const eventsOf = async (contactId: string) => t.deps.db.select().from(events).where(eq(events.contactId, contactId)).orderBy(events.createdAt);

describe('POST /v1/track', () => {
  it('creates a subscribed contact and stores the event, answering with their ids', async () => {
    const res = await track({ event: 'signed-up', email: 'new@example.com', data: { plan: 'pro' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true, data: { contact: expect.any(String), event: expect.any(String), timestamp: expect.any(String) } });
    const contact = await contactOf('new@example.com');
    expect(contact).toMatchObject({ id: res.json.data.contact, subscribed: true, data: { plan: 'pro' } });
    const [event] = await eventsOf(contact.id);
    expect(event).toMatchObject({ id: res.json.data.event, name: 'signed-up', data: { plan: 'pro' } });
  });

  it('finds the same contact whatever the case and spacing of the email', async () => {
    const a = await track({ event: 'e1', email: 'Mixed.Case@Example.com' });
    const b = await track({ event: 'e2', email: '  mixed.case@example.COM ' });
    expect(b.json.data.contact).toBe(a.json.data.contact);
    expect((await contactOf('mixed.case@example.com')).id).toBe(a.json.data.contact);
  });

  it('merges data: new keys added, null deletes, empty string never overwrites, reserved keys dropped', async () => {
    await track({ event: 'e', email: 'merge@example.com', data: { a: 1, b: 'keep', c: 'gone' } });
    await track({ event: 'e', email: 'merge@example.com', data: { b: '', c: null, d: { nested: [1, 2] }, email: 'x@y.z', plunk_id: 'p', unsubscribeUrl: 'u' } });
    expect((await contactOf('merge@example.com')).data).toEqual({ a: 1, b: 'keep', d: { nested: [1, 2] } });
  });

  it('keeps non-persistent values on the event but not on the contact', async () => {
    const res = await track({ event: 'checkout', email: 'temp@example.com', data: { cart: { value: 'A-1', persistent: false }, tier: 'gold' } });
    const contact = await contactOf('temp@example.com');
    expect(contact.data).toEqual({ tier: 'gold' });
    const [event] = await eventsOf(contact.id);
    expect(event.id).toBe(res.json.data.event);
    expect(event.data).toEqual({ cart: { value: 'A-1', persistent: false }, tier: 'gold' });
  });

  it('stores no data at all when every key was removed', async () => {
    await track({ event: 'e', email: 'empty@example.com', data: { only: 1 } });
    await track({ event: 'e', email: 'empty@example.com', data: { only: null } });
    expect((await contactOf('empty@example.com')).data).toBeNull();
  });

  it('honours subscribed on an existing contact and emits the flip events once', async () => {
    await track({ event: 'e', email: 'flip@example.com' });
    await track({ event: 'e', email: 'flip@example.com', subscribed: false });
    await track({ event: 'e', email: 'flip@example.com', subscribed: false });
    await track({ event: 'e', email: 'flip@example.com', subscribed: true });
    const contact = await contactOf('flip@example.com');
    expect(contact.subscribed).toBe(true);
    const names = (await eventsOf(contact.id)).map((e) => e.name).filter((n) => n.startsWith('contact.'));
    expect(names).toEqual(['contact.unsubscribed', 'contact.subscribed']);
  });

  it('leaves an existing subscription alone when subscribed is not given', async () => {
    await track({ event: 'e', email: 'keep@example.com', subscribed: false });
    await track({ event: 'e', email: 'keep@example.com' });
    expect((await contactOf('keep@example.com')).subscribed).toBe(false);
  });

  it('applies subscribed only to new contacts with preserveExistingSubscription', async () => {
    await track({ event: 'e', email: 'optin@example.com', subscribed: false, preserveExistingSubscription: true });
    expect((await contactOf('optin@example.com')).subscribed).toBe(false);
    await track({ event: 'e', email: 'optin@example.com', subscribed: true, preserveExistingSubscription: true });
    expect((await contactOf('optin@example.com')).subscribed).toBe(false);
  });

  it('refuses system event names with reserved_event', async () => {
    for (const event of ['email.sent', 'email.open', 'contact.subscribed', 'contact.unsubscribed', 'segment.vip.entry', 'webhook.endpoint_disabled']) {
      const res = await track({ event, email: 'r@example.com' });
      expect(res.status, event).toBe(422);
      expect(res.json.error.errors).toEqual([expect.objectContaining({ field: 'event', code: 'reserved_event' })]);
    }
    expect(await contactOf('r@example.com')).toBeUndefined();
  });

  it('validates the body with field paths', async () => {
    const res = await track({ email: 'not-an-email', data: { locale: 5 } });
    expect(res.status).toBe(422);
    const fields = res.json.error.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['email', 'event']);
    const locale = await track({ event: 'e', email: 'l@example.com', data: { locale: 5 } });
    expect(locale.status).toBe(422);
    expect(locale.json.error.errors[0].field).toBe('data.locale');
  });

  it('keeps contacts per project: the same email in two projects is two contacts', async () => {
    const other = await t.newProject('Second');
    const a = await track({ event: 'e', email: 'shared@example.com' });
    const b = await track({ event: 'e', email: 'shared@example.com' }, other.publicKey);
    expect(a.json.data.contact).not.toBe(b.json.data.contact);
  });

  it('upserts one contact under concurrent tracking of a new email', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => track({ event: 'burst', email: 'race@example.com' })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.json.data.contact)).size).toBe(1);
  });

  it('writes an activity row naming the key kind and the request id', async () => {
    const res = await track({ event: 'audited', email: 'audit@example.com' });
    const rows = await t.deps.db.select().from(activities).where(eq(activities.requestId, res.headers['x-request-id']));
    expect(rows.map((r) => r.type).sort()).toEqual(['contact.created', 'event.tracked']);
    expect(rows.every((r) => r.actorType === 'public_key')).toBe(true);
  });
});

describe('POST /v1/track under concurrency', () => {
  it('stores every event of a burst over many contacts, with flips in arrival order', async () => {
    const emails = Array.from({ length: 10 }, (_, i) => `burst${i}@example.com`);
    const requests = emails.flatMap((email) => [
      track({ event: 'first', email, data: { n: 1 } }),
      track({ event: 'second', email, subscribed: false, data: { m: 2 } }),
    ]);
    const results = await Promise.all(requests);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    for (const email of emails) {
      const contact = await contactOf(email);
      expect(contact).toMatchObject({ subscribed: false, data: { n: 1, m: 2 } });
      const names = (await eventsOf(contact.id)).map((e) => e.name).sort();
      expect(names).toEqual(['contact.unsubscribed', 'first', 'second']);
    }
  });

  it('refuses NUL characters, which the database cannot store, without failing other requests', async () => {
    const [bad, good] = await Promise.all([
      track({ event: 'nul', email: 'nul@example.com', data: { note: 'a\u0000b' } }),
      track({ event: 'fine', email: 'fine@example.com' }),
    ]);
    expect(bad.status).toBe(422);
    expect(bad.json.error.errors[0].field).toBe('data');
    expect(good.status).toBe(200);
  });
});
