import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { createUserSession, type TestSession } from '../../../test/sessions.js';
import { activities } from '../../db/schema/index.js';

// Project settings in PATCH /users/@me/projects/:id: tracking mode, postal address (marketing
// footers), hosted-page language. ADMIN and up; shown by GET on the project and in the list.

let t: TestContext;
let owner: TestSession;
let member: TestSession;
let id: string;
beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
  owner = await createUserSession(t);
  const created = await t.request('POST', '/users/@me/projects', { key: null, headers: owner.headers, body: { name: 'Settings' } });
  id = created.json.id;
  member = await createUserSession(t, { memberOf: [{ projectId: id, role: 'MEMBER' }] });
});
afterAll(() => t?.close());

const as = (s: TestSession, method: string, url: string, body?: unknown) => t.request(method, url, { key: null, headers: s.headers, body });
const patch = (body: unknown, s = owner) => as(s, 'PATCH', `/users/@me/projects/${id}`, body);

describe('project settings', () => {
  it('start as tracking ENABLED, no postal address, English, and are shown by GET and in the list', async () => {
    const one = await as(member, 'GET', `/users/@me/projects/${id}`);
    expect(one.status, one.body).toBe(200);
    expect(one.json).toMatchObject({ id, name: 'Settings', role: 'MEMBER', tracking: 'ENABLED', postalAddress: null, language: 'en' });
    const list = await as(member, 'GET', '/users/@me/projects');
    expect(list.json.find((p: { id: string }) => p.id === id)).toEqual(one.json);
  });

  it('change together or one at a time, keep the others, and are recorded as project.updated', async () => {
    const address = 'Acme Inc.\n1 Main Street\nSpringfield';
    const res = await patch({ tracking: 'MARKETING_ONLY', postalAddress: `  ${address}  `, language: 'en' });
    expect(res.status, res.body).toBe(200);
    expect(res.json).toMatchObject({ name: 'Settings', tracking: 'MARKETING_ONLY', postalAddress: address, language: 'en' });
    const again = await patch({ tracking: 'DISABLED' });
    expect(again.json).toMatchObject({ tracking: 'DISABLED', postalAddress: address });
    expect((await as(member, 'GET', `/users/@me/projects/${id}`)).json).toMatchObject({ tracking: 'DISABLED', postalAddress: address });

    const entries = await t.deps.db.select().from(activities).where(and(eq(activities.projectId, id), eq(activities.type, 'project.updated')));
    expect(entries).toHaveLength(2);
    const first = entries.find((e) => (e.metadata as { changes: Record<string, unknown> }).changes.postalAddress)!;
    expect(first).toMatchObject({ actorType: 'user', actorId: owner.userId, requestId: res.headers['x-request-id'] });
    // language was already "en": not a change.
    expect(first.metadata).toEqual({
      changes: { tracking: { from: 'ENABLED', to: 'MARKETING_ONLY' }, postalAddress: { from: null, to: address } },
    });
  });

  it('clears the postal address with null or an empty string', async () => {
    await patch({ postalAddress: 'Somewhere 1' });
    expect((await patch({ postalAddress: null })).json.postalAddress).toBeNull();
    await patch({ postalAddress: 'Somewhere 2' });
    expect((await patch({ postalAddress: '   ' })).json.postalAddress).toBeNull();
  });

  it('refuses unknown modes and languages, long or invisible-character addresses, and an empty body (422)', async () => {
    const cases: [unknown, string][] = [
      [{ tracking: 'SOMETIMES' }, 'tracking'],
      [{ tracking: true }, 'tracking'],
      [{ language: 'xx' }, 'language'],
      [{ language: 'EN' }, 'language'],
      [{ postalAddress: 'x'.repeat(501) }, 'postalAddress'],
      [{ postalAddress: 'zero\u200bwidth' }, 'postalAddress'],
      [{ postalAddress: 'nul\u0000' }, 'postalAddress'],
      [{}, ''],
    ];
    for (const [body, field] of cases) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.json.error.code).toBe('VALIDATION_ERROR');
      if (field) expect(res.json.error.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await patch({ postalAddress: 'x'.repeat(500) })).status).toBe(200);
  });

  it('need the ADMIN role (a MEMBER gets 403 and nothing changes)', async () => {
    const before = (await as(owner, 'GET', `/users/@me/projects/${id}`)).json;
    const res = await patch({ tracking: 'ENABLED' }, member);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('FORBIDDEN');
    expect((await as(owner, 'GET', `/users/@me/projects/${id}`)).json).toEqual({ ...before });
  });
});
