import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectWithKeys } from '../src/features/projects/projects.service.js';
import { createTestContext, type TestContext } from './context.js';
import {
  createTenantFixture,
  ECHOES_CALLER_INPUT,
  fillPath,
  isSessionOnly,
  liveRoutes,
  PARAM_ROUTES,
  probedValues,
  PUBLIC_KEY_EXEMPT,
  SIGNED_WEBHOOKS,
  snapshotTenant,
  TOKEN_PAGES,
  type Route,
  type TenantFixture,
} from './tenant-fixtures.js';
import { registeredPaths } from './route-tree.js';

// Reliability checklist G.41 (public-key scope) and G.42 (tenancy), driven by the live route table so
// that a route added later is covered, or fails here until tenant-fixtures.ts says how to test it.

let t: TestContext;
let a: ProjectWithKeys;
let b: ProjectWithKeys;
let f: TenantFixture;
let routes: Route[];
let before: Record<string, unknown>;

beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
  a = t.project;
  b = await t.newProject('Project B');
  f = await createTenantFixture(t, a);
  // B has data of its own, so its lists are not trivially empty.
  await t.request('POST', '/contacts', { key: b.secretKey, body: { email: 'b-tenant@example.com', data: { bField: 1 } } });
  await t.request('POST', '/v1/track', { key: b.publicKey, body: { event: 'b-event', email: 'b-tenant@example.com' } });
  routes = await liveRoutes(t);
  before = await snapshotTenant(t, a, f);
}, 120_000);
afterAll(() => t?.close());

const asB = (method: string, url: string, body?: unknown) =>
  t.request(method, url, { key: b.secretKey, body: body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}) });

/** A's markers found in `text`, ignoring the values the caller sent itself (errors echo the id). */
function leakedMarkers(text: string, sent: string[] = []) {
  const stripped = sent.reduce((acc, v) => acc.replaceAll(v, ''), text);
  return f.markers.filter((m) => stripped.includes(m));
}

describe('the route table', () => {
  it('is read from the live app and has a tenant-isolation entry for every route with a path parameter', () => {
    const paramRoutes = routes.filter((r) => r.params.length);
    expect(paramRoutes.length).toBeGreaterThan(5);
    const missing = paramRoutes.filter((r) => !PARAM_ROUTES[r.key]).map((r) => r.key);
    expect(missing, `No entry in PARAM_ROUTES (test/tenant-fixtures.ts) for: ${missing.join(', ')}. Say which resource of project A fills its parameters and what project B must get.`).toEqual([]);
    const stale = Object.keys(PARAM_ROUTES).filter((k) => !routes.some((r) => r.key === k));
    expect(stale, `PARAM_ROUTES lists routes the app no longer has: ${stale.join(', ')}`).toEqual([]);
  });

  it('documents every registered route in OpenAPI, so none escapes these checks', () => {
    const documented = new Set(routes.map((r) => r.path));
    const registered = registeredPaths(t.app);
    expect(registered).toEqual(expect.arrayContaining(['/contacts/{id}', '/templates/{id}/duplicate', '/v1/send']));
    const hidden = registered
      .filter((p) => !documented.has(p))
      .filter((p) => !PUBLIC_KEY_EXEMPT.has(`GET ${p}`) && !TOKEN_PAGES.has(p) && !SIGNED_WEBHOOKS.has(p) && p !== '*')
      // The dashboard's built files (index.html, assets/*.js) are static, public and hold no data.
      .filter((p) => !/\.(html|js|css|svg|png|ico|woff2?|map)$/.test(p));
    expect(hidden, `Registered but not in /openapi.json (so not covered by this test): ${hidden.join(', ')}`).toEqual([]);
  });
});

describe("project B's secret key on project A's resources", () => {
  it('gets 404 (never 403 or 2xx) on every :id route, and only its own data on name routes', async () => {
    for (const route of routes.filter((r) => r.params.length && PARAM_ROUTES[r.key])) {
      const c = PARAM_ROUTES[route.key];
      const res = await asB(route.method, fillPath(route.path, c.params(f)), c.body);
      if (c.expect.kind === 'not-found') {
        expect.soft(res.status, `${route.key}: ${res.body}`).toBe(404);
      } else if (c.expect.kind === 'session-only') {
        expect.soft(res.status, `${route.key}: ${res.body}`).toBe(401);
        expect.soft(res.json?.error?.code, route.key).toBe('UNAUTHORIZED');
      } else {
        expect.soft(res.status, `${route.key}: ${res.body}`).toBeLessThan(300);
        expect.soft(() => (c.expect as { check: (j: unknown) => void }).check(res.json), route.key).not.toThrow();
      }
      expect.soft(leakedMarkers(res.body, Object.values(c.params(f))), `${route.key} leaks A's data`).toEqual([]);
    }
    expect(await snapshotTenant(t, a, f)).toEqual(before);
  });

  it('gets 404 for A\'s ids inside request bodies', async () => {
    const bulk = await asB('POST', '/templates/bulk-update', { ids: [f.templateId], delete: true });
    expect(bulk.status, bulk.body).toBe(404);
    const send = await asB('POST', '/v1/send', { to: 'x@example.com', template: f.templateId });
    expect(send.status, send.body).toBe(404);
    expect(await snapshotTenant(t, a, f)).toEqual(before);
  });

  it("never sees A's rows on any list route", async () => {
    const lists = routes.filter((r) => r.method === 'GET' && !r.params.length && !PUBLIC_KEY_EXEMPT.has(r.key) && !isSessionOnly(r.path));
    expect(lists.map((r) => r.path)).toEqual(expect.arrayContaining(['/contacts', '/templates', '/events', '/inbox', '/contacts/fields', '/events/names']));
    for (const route of lists) {
      const res = await asB('GET', route.path);
      expect.soft(res.status, `${route.key}: ${res.body}`).toBe(200);
      const echoed = ECHOES_CALLER_INPUT.has(route.key) ? probedValues(f) : [];
      expect.soft(leakedMarkers(res.body, echoed), `${route.key} shows A's data to B`).toEqual([]);
    }
    const contacts = await asB('GET', '/contacts');
    expect(contacts.json.data.map((c: { email: string }) => c.email)).toEqual(['b-tenant@example.com']);
  });

  it("refuses A's pagination cursors with 400", async () => {
    const contacts = await t.request('GET', '/contacts?limit=1', { key: a.secretKey });
    expect(contacts.json.cursor).toBeTruthy();
    const foreignContacts = await asB('GET', `/contacts?limit=1&cursor=${encodeURIComponent(contacts.json.cursor)}`);
    expect(foreignContacts.status, foreignContacts.body).toBe(400);

    const events = await t.request('GET', '/events?limit=1', { key: a.secretKey });
    expect(events.json.nextCursor).toBeTruthy();
    const foreignEvents = await asB('GET', `/events?limit=1&cursor=${encodeURIComponent(events.json.nextCursor)}`);
    expect(foreignEvents.status, foreignEvents.body).toBe(400);

    const contactEvents = await t.request('GET', `/contacts/${f.contactId}/events?limit=1`, { key: a.secretKey });
    expect(contactEvents.json.nextCursor).toBeTruthy();
    const bContact = (await asB('GET', '/contacts')).json.data[0].id;
    const foreignContactEvents = await asB('GET', `/contacts/${bContact}/events?limit=1&cursor=${encodeURIComponent(contactEvents.json.nextCursor)}`);
    expect(foreignContactEvents.status, foreignContactEvents.body).toBe(400);
  });
});

describe('a body that names another project', () => {
  it('is ignored: every write lands in the caller\'s project', async () => {
    const foreign = { projectId: a.id, project_id: a.id };
    const contact = await asB('POST', '/contacts', { email: 'moved@example.com', ...foreign });
    expect(contact.status, contact.body).toBe(201);
    expect((await asB('GET', `/contacts/${contact.json.id}`)).status).toBe(200);
    const patched = await asB('PATCH', `/contacts/${contact.json.id}`, { subscribed: false, ...foreign });
    expect(patched.status, patched.body).toBe(200);

    const template = await asB('POST', '/templates', { name: 'B tpl', subject: 'S', body: 'B', from: 'sender@example.com', ...foreign });
    expect(template.status, template.body).toBe(201);
    expect(template.json.projectId).toBe(b.id);
    const renamed = await asB('PATCH', `/templates/${template.json.id}`, { name: 'B tpl 2', ...foreign });
    expect(renamed.json.projectId).toBe(b.id);

    const domain = await asB('POST', '/domains', { domain: 'b-moved-domain.com', ...foreign });
    expect(domain.status, domain.body).toBe(201);
    expect(domain.json.projectId).toBe(b.id);

    const tracked = await asB('POST', '/v1/track', { event: 'moved-event', email: 'moved@example.com', ...foreign });
    expect(tracked.status, tracked.body).toBe(200);
    const sent = await asB('POST', '/v1/send', { to: 'moved@example.com', subject: 'S', body: 'B', ...foreign });
    expect(sent.status, sent.body).toBe(200);
    expect((await t.request('GET', `/emails/${sent.json.data.emails[0].email}`, { key: a.secretKey })).status).toBe(404);

    for (const url of [`/contacts/${contact.json.id}`, `/templates/${template.json.id}`]) {
      expect((await t.request('GET', url, { key: a.secretKey })).status, url).toBe(404);
    }
    const aEvents = await t.request('GET', '/events/names', { key: a.secretKey });
    expect(JSON.stringify(aEvents.json)).not.toContain('moved-event');
    expect(await snapshotTenant(t, a, f)).toEqual(before);
  });
});

describe('the public key', () => {
  it('gets 401 INVALID_API_KEY on every route except POST /v1/track, even for its own resources', async () => {
    const guarded = routes.filter((r) => !PUBLIC_KEY_EXEMPT.has(r.key));
    expect(guarded.length).toBeGreaterThan(10);
    for (const route of guarded) {
      const values = route.params.length && PARAM_ROUTES[route.key] ? PARAM_ROUTES[route.key].params(f) : {};
      const url = fillPath(route.path, Object.fromEntries(route.params.map((p) => [p, values[p] ?? 'x'])));
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const res = await t.request(route.method, url, { key: a.publicKey, body });
      expect.soft(res.status, `${route.key}: ${res.body}`).toBe(401);
      // Dashboard routes ignore API keys altogether: no session, so "not logged in".
      expect.soft(res.json?.error?.code, route.key).toBe(isSessionOnly(route.path) ? 'UNAUTHORIZED' : 'INVALID_API_KEY');
    }
    expect(await snapshotTenant(t, a, f)).toEqual(before);
  });

  it('is accepted by POST /v1/track', async () => {
    const res = await t.request('POST', '/v1/track', { key: a.publicKey, body: { event: 'pk-ok', email: 'pk@example.com' } });
    expect(res.status, res.body).toBe(200);
  });
});
