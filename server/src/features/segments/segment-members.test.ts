import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// STATIC segments: members added and removed by email, contacts created on request, re-entry.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

async function setup() {
  const p = await t.newProject();
  for (const email of ['ann@x.com', 'bob@x.com', 'cid@x.com']) await t.request('POST', '/contacts', { key: p.secretKey, body: { email } });
  const segment = (await t.request('POST', '/segments', { key: p.secretKey, body: { name: 'Hand picked', type: 'STATIC' } })).json;
  const add = (body: Record<string, unknown>) => t.request('POST', `/segments/${segment.id}/members`, { key: p.secretKey, body });
  const remove = (emails: string[]) => t.request('DELETE', `/segments/${segment.id}/members`, { key: p.secretKey, body: { emails } });
  const members = async () => (await t.request('GET', `/segments/${segment.id}/contacts`, { key: p.secretKey })).json;
  const count = async () => (await t.request('GET', `/segments/${segment.id}`, { key: p.secretKey })).json.memberCount;
  return { p, segment, add, remove, members, count };
}

describe('POST /segments/:id/members', () => {
  it('adds existing contacts by email and reports the unknown ones', async () => {
    const s = await setup();
    const res = await s.add({ emails: ['ann@x.com', ' BOB@x.com ', 'nobody@x.com'] });
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({ added: 2, created: 0, notFound: ['nobody@x.com'] });
    expect(await s.count()).toBe(2);
    const list = await s.members();
    expect(list.total).toBe(2);
    expect(list.data.map((c: { email: string }) => c.email).sort()).toEqual(['ann@x.com', 'bob@x.com']);
  });

  it('counts a contact once however often it is named, and not again when already a member', async () => {
    const s = await setup();
    expect((await s.add({ emails: ['ann@x.com', 'ANN@x.com', 'ann@x.com'] })).json.added).toBe(1);
    expect((await s.add({ emails: ['ann@x.com', 'bob@x.com'] })).json).toEqual({ added: 1, created: 0, notFound: [] });
    expect(await s.count()).toBe(2);
  });

  it('creates missing contacts through the contacts service when asked (subscribed unless told otherwise)', async () => {
    const s = await setup();
    const res = await s.add({ emails: ['ann@x.com', 'New@x.com', 'new@x.com'], createMissing: true });
    expect(res.json).toEqual({ added: 2, created: 1, notFound: [] });
    const quiet = await s.add({ emails: ['quiet@x.com'], createMissing: true, subscribed: false });
    expect(quiet.json).toEqual({ added: 1, created: 1, notFound: [] });
    const contacts = (await t.request('GET', '/contacts?limit=100', { key: s.p.secretKey })).json.data;
    expect(contacts.find((c: { email: string }) => c.email === 'new@x.com').subscribed).toBe(true);
    expect(contacts.find((c: { email: string }) => c.email === 'quiet@x.com').subscribed).toBe(false);
    const created = (await t.request('GET', '/activity?type=contact.created', { key: s.p.secretKey })).json.data;
    expect(created.map((a: { summary: string }) => a.summary)).toEqual(expect.arrayContaining(['Contact new@x.com created', 'Contact quiet@x.com created']));
    expect(await s.count()).toBe(3);
  });

  it('answers 400 for a DYNAMIC segment and 422 for bad email lists', async () => {
    const s = await setup();
    const dynamic = (await t.request('POST', '/segments', { key: s.p.secretKey, body: { name: 'Live', condition: { logic: 'AND', groups: [{ filters: [{ field: 'email', operator: 'contains', value: 'x' }] }] } } })).json;
    const res = await t.request('POST', `/segments/${dynamic.id}/members`, { key: s.p.secretKey, body: { emails: ['ann@x.com'] } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('BAD_REQUEST');
    const removal = await t.request('DELETE', `/segments/${dynamic.id}/members`, { key: s.p.secretKey, body: { emails: ['ann@x.com'] } });
    expect(removal.status).toBe(400);
    for (const emails of [[], ['not-an-email'], Array.from({ length: 501 }, (_, i) => `u${i}@x.com`)]) {
      expect((await s.add({ emails })).status).toBe(422);
    }
  });
});

describe('DELETE /segments/:id/members', () => {
  it('removes members (their rows keep the exit time) and reports unknown emails', async () => {
    const s = await setup();
    await s.add({ emails: ['ann@x.com', 'bob@x.com'] });
    const res = await s.remove(['ann@x.com', 'cid@x.com', 'ghost@x.com']);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ removed: 1, notFound: ['ghost@x.com'] });
    expect((await s.remove(['ann@x.com'])).json.removed).toBe(0);
    expect(await s.count()).toBe(1);
    expect((await s.members()).data.map((c: { email: string }) => c.email)).toEqual(['bob@x.com']);
  });

  it('lets a removed member come back (the old row reopens), listed first', async () => {
    const s = await setup();
    await s.add({ emails: ['ann@x.com'] });
    await s.add({ emails: ['bob@x.com'] });
    await s.remove(['ann@x.com']);
    const again = await s.add({ emails: ['ann@x.com'] });
    expect(again.json.added).toBe(1);
    expect((await s.members()).data.map((c: { email: string }) => c.email)).toEqual(['ann@x.com', 'bob@x.com']);
    expect(await s.count()).toBe(2);
  });

  it('drops the membership of a deleted contact', async () => {
    const s = await setup();
    await s.add({ emails: ['ann@x.com', 'bob@x.com'] });
    const ann = (await s.members()).data.find((c: { email: string }) => c.email === 'ann@x.com');
    await t.request('DELETE', `/contacts/${ann.id}`, { key: s.p.secretKey });
    expect((await s.members()).total).toBe(1);
  });
});
