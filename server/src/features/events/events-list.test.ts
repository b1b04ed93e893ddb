import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { events } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const get = (url: string, p: ProjectWithKeys) => t.request('GET', url, { key: p.secretKey });
/** A contact of the project, created through /v1/track; returns its id. */
const contactIn = async (p: ProjectWithKeys, email: string) =>
  (await t.request('POST', '/v1/track', { key: p.publicKey, body: { event: 'seed', email } })).json.data.contact as string;
/** Stores events directly with chosen timestamps: minute `i` after a fixed start. */
const store = async (p: ProjectWithKeys, rows: { name: string; contactId?: string | null; minute: number; data?: Record<string, unknown> }[]) =>
  t.deps.db.insert(events).values(
    rows.map((r) => ({ projectId: p.id, contactId: r.contactId ?? null, name: r.name, data: r.data ?? null, createdAt: new Date(Date.UTC(2030, 0, 1, 0, r.minute)) })),
  );
const names = (res: { json: any }) => res.json.events.map((e: { name: string }) => e.name);

describe('POST /events/track', () => {
  it('tracks like /v1/track with the secret key', async () => {
    const p = await t.newProject();
    const res = await t.request('POST', '/events/track', { key: p.secretKey, body: { event: 'signed-up', email: 'a@example.com', data: { plan: 'pro' } } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true, data: { contact: expect.any(String), event: expect.any(String), timestamp: expect.any(String) } });
    const list = await get('/events?eventName=signed-up', p);
    expect(list.json.events).toEqual([expect.objectContaining({ id: res.json.data.event, data: { plan: 'pro' }, contact: { id: res.json.data.contact, email: 'a@example.com' } })]);
  });

  it('replays a repeated Idempotency-Key instead of tracking twice', async () => {
    const p = await t.newProject();
    const send = () =>
      t.request('POST', '/events/track', { key: p.secretKey, headers: { 'idempotency-key': 'once' }, body: { event: 'paid', email: 'i@example.com' } });
    const first = await send();
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json).toEqual(first.json);
    expect((await get('/events?eventName=paid', p)).json.events).toHaveLength(1);
  });

  it('refuses the public key and system event names', async () => {
    const p = await t.newProject();
    const pk = await t.request('POST', '/events/track', { key: p.publicKey, body: { event: 'e', email: 'a@example.com' } });
    expect(pk.status).toBe(401);
    expect(pk.json.error.code).toBe('INVALID_API_KEY');
    const reserved = await t.request('POST', '/events/track', { key: p.secretKey, body: { event: 'email.opened', email: 'a@example.com' } });
    expect(reserved.status).toBe(422);
    expect(reserved.json.error.errors[0].code).toBe('reserved_event');
  });
});

describe('GET /events', () => {
  it('lists the project events newest first with the contact email, and nothing from other projects', async () => {
    const p = await t.newProject();
    const other = await t.newProject();
    const contact = await contactIn(p, 'who@example.com');
    await store(p, [{ name: 'old', contactId: contact, minute: 1 }, { name: 'new', contactId: contact, minute: 3 }, { name: 'mid', minute: 2 }]);
    await store(other, [{ name: 'foreign', minute: 4 }]);
    const res = await get('/events', p);
    expect(res.status).toBe(200);
    expect(names(res).slice(0, 3)).toEqual(['new', 'mid', 'old']);
    expect(names(res)).not.toContain('foreign');
    expect(res.json.events[0]).toMatchObject({ contactId: contact, contact: { id: contact, email: 'who@example.com' }, createdAt: '2030-01-01T00:03:00.000Z' });
    expect(res.json.events[1].contact).toBeNull();
  });

  it('returns 100 events by default, honours limit and refuses a limit over 1000', async () => {
    const p = await t.newProject();
    await store(p, Array.from({ length: 105 }, (_, i) => ({ name: 'bulk', minute: i })));
    const all = await get('/events', p);
    expect(all.json.events).toHaveLength(100);
    expect(all.json.nextCursor).toEqual(expect.any(String));
    expect((await get('/events?limit=7', p)).json.events).toHaveLength(7);
    const everything = await get('/events?limit=1000', p);
    expect(everything.json.events).toHaveLength(105);
    expect(everything.json.nextCursor).toBeNull();
    const tooMany = await get('/events?limit=1001', p);
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.error.errors[0].field).toBe('querystring.limit');
  });

  it('filters by event name, also through the name shorthand', async () => {
    const p = await t.newProject();
    await store(p, [{ name: 'signup', minute: 1 }, { name: 'login', minute: 2 }, { name: 'signup', minute: 3 }]);
    expect(names(await get('/events?eventName=signup', p))).toEqual(['signup', 'signup']);
    expect(names(await get('/events?name=login', p))).toEqual(['login']);
    expect(names(await get('/events?eventName=nothing', p))).toEqual([]);
  });

  it('accepts the short system event aliases in the name filter', async () => {
    const p = await t.newProject();
    await store(p, [{ name: 'email.opened', minute: 1 }, { name: 'email.clicked', minute: 2 }, { name: 'email.delivered', minute: 3 }]);
    expect(names(await get('/events?eventName=email.open', p))).toEqual(['email.opened']);
    expect(names(await get('/events?eventName=email.opened', p))).toEqual(['email.opened']);
    expect(names(await get('/events?eventName=email.delivery', p))).toEqual(['email.delivered']);
  });

  it('pages with the cursor without skipping or repeating events, even with equal timestamps', async () => {
    const p = await t.newProject();
    // Three events per minute: order inside a minute comes from the id tie-break.
    await store(p, Array.from({ length: 25 }, (_, i) => ({ name: `e${i}`, minute: Math.floor(i / 3) })));
    const full: string[] = (await get('/events?limit=1000', p)).json.events.map((e: { id: string }) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { json: any } = await get(`/events?limit=7${cursor ? `&cursor=${cursor}` : ''}`, p);
      seen.push(...res.json.events.map((e: { id: string }) => e.id));
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(full);
    expect(new Set(seen).size).toBe(25);
  });

  it('refuses a cursor from another project and a malformed one with 400', async () => {
    const p = await t.newProject();
    const other = await t.newProject();
    await store(other, [{ name: 'a', minute: 1 }, { name: 'b', minute: 2 }]);
    const foreignCursor = (await get('/events?limit=1', other)).json.nextCursor;
    expect(foreignCursor).toEqual(expect.any(String));
    for (const cursor of [foreignCursor, 'not-a-cursor', Buffer.from('{"p":1}').toString('base64url')]) {
      const res = await get(`/events?cursor=${encodeURIComponent(cursor)}`, p);
      expect(res.status, cursor).toBe(400);
      expect(res.json.error.code).toBe('BAD_REQUEST');
    }
  });
});

describe('GET /contacts/:id/events', () => {
  it("lists one contact's events newest first, 50 by default", async () => {
    const p = await t.newProject();
    const contact = await contactIn(p, 'c@example.com');
    const someoneElse = await contactIn(p, 'd@example.com');
    await store(p, Array.from({ length: 55 }, (_, i) => ({ name: `n${i}`, contactId: contact, minute: i })));
    await store(p, [{ name: 'not-mine', contactId: someoneElse, minute: 100 }]);
    const res = await get(`/contacts/${contact}/events`, p);
    expect(res.status).toBe(200);
    expect(res.json.events).toHaveLength(50);
    expect(names(res).slice(0, 2)).toEqual(['n54', 'n53']);
    expect(names(res)).not.toContain('not-mine');
    expect(res.json.events.every((e: { contact: { email: string } }) => e.contact.email === 'c@example.com')).toBe(true);
    const next = await get(`/contacts/${contact}/events?limit=50&cursor=${res.json.nextCursor}`, p);
    expect(names(next)).toEqual(['n4', 'n3', 'n2', 'n1', 'n0', 'seed']);
  });

  it("answers Plunk's /events/contact/:contactId the same way", async () => {
    const p = await t.newProject();
    const contact = await contactIn(p, 'plunk@example.com');
    const ours = await get(`/contacts/${contact}/events?limit=5`, p);
    const theirs = await get(`/events/contact/${contact}?limit=5`, p);
    expect(theirs.status).toBe(200);
    expect(theirs.json).toEqual(ours.json);
  });

  it("answers 404 CONTACT_NOT_FOUND for another project's contact or an unknown id", async () => {
    const p = await t.newProject();
    const other = await t.newProject();
    const foreign = await contactIn(other, 'x@example.com');
    for (const id of [foreign, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await get(`/contacts/${id}/events`, p);
      expect(res.status, id).toBe(404);
      expect(res.json.error.code).toBe('CONTACT_NOT_FOUND');
    }
  });
});
