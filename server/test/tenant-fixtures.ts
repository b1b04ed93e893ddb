import type { ProjectWithKeys } from '../src/features/projects/projects.service.js';
import { waitFor, type TestContext } from './context.js';
import { createUserSession } from './sessions.js';
import { SNS_WEBHOOK_PATHS } from '../src/features/sns/sns.routes.js';
import { createWorkflowFixture, WORKFLOW_PARAM_ROUTES, workflowSnapshotUrls, type WorkflowTenantIds } from './workflow-tenant.js';
import { createWebhookFixture, WEBHOOK_PARAM_ROUTES, webhookSnapshotUrls, type WebhookTenantIds } from './webhook-tenant.js';

// Resources of one project ("A") that another project ("B") then tries to reach, and the table
// that says, for every route with a path parameter, which resource fills it and what B must get.

export interface TenantFixture extends WorkflowTenantIds, WebhookTenantIds {
  contactId: string;
  templateId: string;
  emailId: string;
  inboxId: string;
  importJobId: string;
  bulkJobId: string;
  eventName: string;
  field: string;
  projectId: string;
  /** A's OWNER (a dashboard user), their session headers and a pending invitation of A. */
  userId: string;
  ownerHeaders: Record<string, string>;
  invitationId: string;
  /** A's sending domain (pending: nothing is published for it). */
  domainId: string;
  /** A's STATIC segment, with A's first contact as its member. */
  segmentId: string;
  /** A's DRAFT campaign to that segment. */
  campaignId: string;
  /** Strings only A's data contains: none may appear in anything B reads. */
  markers: string[];
}

/** Creates A's contact (with a custom field), template, sent email (+ inbox copy) and events. */
export async function createTenantFixture(t: TestContext, a: ProjectWithKeys): Promise<TenantFixture> {
  const ok = <R extends { status: number; body: string }>(res: R, what: string): R => {
    if (res.status >= 300) throw new Error(`fixture: ${what} failed with ${res.status}: ${res.body}`);
    return res;
  };
  const key = a.secretKey;
  const contact = ok(await t.request('POST', '/contacts', { key, body: { email: 'a-tenant@example.com', data: { aOnlyField: 'a-secret-value' } } }), 'contact');
  ok(await t.request('POST', '/contacts', { key, body: { email: 'a-tenant-2@example.com' } }), 'second contact');
  const template = ok(
    await t.request('POST', '/templates', { key, body: { name: 'A only template', subject: 'A only subject', body: '<p>A only</p>', from: 'sender@example.com' } }),
    'template',
  );
  for (let i = 0; i < 2; i++) {
    ok(await t.request('POST', '/v1/track', { key: a.publicKey, body: { event: 'a-only-event', email: 'a-tenant@example.com', data: { n: i } } }), 'event');
  }
  const sent = ok(await t.request('POST', '/v1/send', { key, body: { to: 'a-tenant@example.com', subject: 'A only mail', body: '<p>A only</p>' } }), 'send');
  const emailId: string = sent.json.data.emails[0].email;
  await t.startWorker();
  const inbox = await waitFor(async () => {
    const list = await t.request('GET', '/inbox', { key });
    return list.json.data.find((m: { emailId: string }) => m.emailId === emailId);
  }, 15_000, "A's inbox message");
  await waitFor(async () => (await t.request('GET', `/emails/${emailId}`, { key })).json.status === 'SENT', 15_000, "A's email to be SENT");
  const csv = { key, rawBody: 'email\na-tenant-3@example.com\n', headers: { 'content-type': 'text/csv' } };
  const importJobId: string = ok(await t.request('POST', '/contacts/import', csv), 'import').json.jobId;
  const bulkJobId: string = ok(await t.request('POST', '/contacts/bulk-subscribe', { key, body: { mode: 'ids', contactIds: [contact.json.id] } }), 'bulk').json.jobId;
  for (const url of [`/contacts/import/${importJobId}`, `/contacts/bulk/${bulkJobId}`]) {
    await waitFor(async () => ['completed', 'failed'].includes((await t.request('GET', url, { key })).json.state), 15_000, `${url} to finish`);
  }
  ok(await t.request('POST', '/suppression-list', { key, body: { email: 'a-tenant-suppressed@example.com' } }), 'suppression');
  const owner = await createUserSession(t, { email: 'a-tenant-owner@example.com', memberOf: [{ projectId: a.id, role: 'OWNER' }] });
  const invited = ok(await t.request('POST', `/projects/${a.id}/members`, { key: null, headers: owner.headers, body: { email: 'a-tenant-invitee@example.com' } }), 'invitation');
  const domain = ok(await t.request('POST', '/domains', { key, body: { domain: 'a-tenant-domain.com' } }), 'domain');
  const segment = ok(await t.request('POST', '/segments', { key, body: { name: 'A only segment', type: 'STATIC' } }), 'segment');
  ok(await t.request('POST', `/segments/${segment.json.id}/members`, { key, body: { emails: ['a-tenant@example.com'] } }), 'segment member');
  const campaign = ok(
    await t.request('POST', '/campaigns', { key, body: { name: 'A only campaign', subject: 'A only subject', body: '<p>A only</p>', audienceType: 'SEGMENT', segmentId: segment.json.id } }),
    'campaign',
  );
  const workflowIds = { ...(await createWorkflowFixture(t, key, contact.json.id)), ...(await createWebhookFixture(t, key)) };
  const ids = { ...workflowIds, campaignId: campaign.json.data.id, segmentId: segment.json.id, domainId: domain.json.id, contactId: contact.json.id, templateId: template.json.id, emailId, inboxId: inbox.id, importJobId, bulkJobId, userId: owner.userId, invitationId: invited.json.invitation.id };
  return { ...ids, projectId: a.id, ownerHeaders: owner.headers, eventName: 'a-only-event', field: 'aOnlyField', markers: ['a-tenant', 'A only', 'a-only-event', 'aOnlyField', 'a-secret-value', ...Object.values(ids)] };
}

/** Everything A can read about its resources; compared before and after B's attempts. */
export async function snapshotTenant(t: TestContext, a: ProjectWithKeys, f: TenantFixture) {
  const urls = [
    `/contacts/${f.contactId}`,
    `/contacts/${f.contactId}/events?limit=100`,
    `/templates/${f.templateId}`,
    `/emails/${f.emailId}`,
    `/inbox/${f.inboxId}`,
    `/contacts/import/${f.importJobId}`,
    `/contacts/bulk/${f.bulkJobId}`,
    '/contacts?limit=100',
    '/contacts/fields',
    '/templates',
    '/events?limit=100',
    '/events/names',
    `/events/${f.eventName}/usage`,
    '/inbox',
    '/suppression-list',
    `/domains/${f.domainId}`,
    '/domains',
    `/segments/${f.segmentId}`,
    `/segments/${f.segmentId}/contacts`,
    '/segments',
    `/campaigns/${f.campaignId}`,
    `/campaigns/${f.campaignId}/stats`,
    `/campaigns/${f.campaignId}/recipients`,
    '/campaigns?archived=all',
    ...workflowSnapshotUrls(f),
    ...webhookSnapshotUrls(f),
  ];
  const out: Record<string, unknown> = {};
  for (const url of urls) {
    const res = await t.request('GET', url, { key: a.secretKey });
    out[url] = { status: res.status, json: res.json };
  }
  // The dashboard's view of A (members, invitations, keys), read with A's owner session.
  for (const url of [`/projects/${a.id}/members`, `/users/@me/projects/${a.id}/keys`, '/users/@me/projects']) {
    const res = await t.request('GET', url, { key: null, headers: f.ownerHeaders });
    out[url] = { status: res.status, json: res.json };
  }
  return out;
}

export type Expectation =
  /** The resource is A's alone: B must get 404 (never 403, never 2xx). */
  | { kind: 'not-found' }
  /** The parameter is a name in the caller's own namespace: B gets an answer about B's data only. */
  | { kind: 'own-scope'; check: (json: any) => void }
  /** A dashboard route (session cookie only): any API key, B's included, gets 401 UNAUTHORIZED. */
  | { kind: 'session-only' };

export interface ParamRouteCase {
  params: (f: TenantFixture) => Record<string, string>;
  body?: unknown;
  expect: Expectation;
}

const notFound: Expectation = { kind: 'not-found' };
const sessionOnly: Expectation = { kind: 'session-only' };
const projectA = (f: TenantFixture) => ({ id: f.projectId });
const contact = (f: TenantFixture) => ({ id: f.contactId });
const template = (f: TenantFixture) => ({ id: f.templateId });
const segment = (f: TenantFixture) => ({ id: f.segmentId });
const campaign = (f: TenantFixture) => ({ id: f.campaignId });
const emptyOf = (field: string, value: unknown) => (json: any) => {
  if (JSON.stringify(json?.[field]) !== JSON.stringify(value)) throw new Error(`expected ${field} = ${JSON.stringify(value)}, got ${JSON.stringify(json)}`);
};

/**
 * How to fill each route's path parameters with A's resources. Keyed by "METHOD /openapi/{path}".
 * A route missing here fails the test: add a line when you add a route with a path parameter.
 */
export const PARAM_ROUTES: Record<string, ParamRouteCase> = {
  'GET /contacts/{id}': { params: contact, expect: notFound },
  'PATCH /contacts/{id}': { params: contact, body: { subscribed: false, data: { hijacked: true } }, expect: notFound },
  'DELETE /contacts/{id}': { params: contact, expect: notFound },
  'GET /contacts/{id}/events': { params: contact, expect: notFound },
  'GET /events/contact/{contactId}': { params: (f) => ({ contactId: f.contactId }), expect: notFound },
  'GET /emails/{id}': { params: (f) => ({ id: f.emailId }), expect: notFound },
  'GET /inbox/{id}': { params: (f) => ({ id: f.inboxId }), expect: notFound },
  'GET /contacts/import/{jobId}': { params: (f) => ({ jobId: f.importJobId }), expect: notFound },
  'GET /contacts/bulk/{jobId}': { params: (f) => ({ jobId: f.bulkJobId }), expect: notFound },
  'GET /templates/{id}': { params: template, expect: notFound },
  'PATCH /templates/{id}': { params: template, body: { name: 'hijacked' }, expect: notFound },
  'DELETE /templates/{id}': { params: template, expect: notFound },
  'POST /templates/{id}/duplicate': { params: template, expect: notFound },
  'GET /templates/{id}/usage': { params: template, expect: notFound },
  // Field and event names are per-project namespaces: B asking about the same name sees only B's (empty) data.
  'GET /contacts/fields/{field}/values': { params: (f) => ({ field: f.field }), expect: { kind: 'own-scope', check: emptyOf('values', []) } },
  'GET /contacts/fields/{field}/usage': { params: (f) => ({ field: f.field }), expect: { kind: 'own-scope', check: emptyOf('usage', []) } },
  'DELETE /contacts/fields/{field}': { params: (f) => ({ field: f.field }), expect: { kind: 'own-scope', check: emptyOf('contactsUpdated', 0) } },
  'GET /events/{eventName}/usage': { params: (f) => ({ eventName: f.eventName }), expect: { kind: 'own-scope', check: emptyOf('totalCount', 0) } },
  'DELETE /events/{eventName}': { params: (f) => ({ eventName: f.eventName }), expect: { kind: 'own-scope', check: emptyOf('deletedCount', 0) } },
  'GET /domains/{id}': { params: (f) => ({ id: f.domainId }), expect: notFound },
  'GET /domains/{id}/verify': { params: (f) => ({ id: f.domainId }), expect: notFound },
  'DELETE /domains/{id}': { params: (f) => ({ id: f.domainId }), expect: notFound },
  'GET /segments/{id}': { params: segment, expect: notFound },
  'PATCH /segments/{id}': { params: segment, body: { name: 'hijacked' }, expect: notFound },
  'DELETE /segments/{id}': { params: segment, expect: notFound },
  'GET /segments/{id}/contacts': { params: segment, expect: notFound },
  'POST /segments/{id}/members': { params: segment, body: { emails: ['a-tenant-2@example.com'], createMissing: true }, expect: notFound },
  'DELETE /segments/{id}/members': { params: segment, body: { emails: ['a-tenant@example.com'] }, expect: notFound },
  'POST /segments/{id}/compute': { params: segment, expect: notFound },
  'POST /segments/{id}/refresh': { params: segment, expect: notFound },
  'GET /campaigns/{id}': { params: campaign, expect: notFound },
  'PUT /campaigns/{id}': { params: campaign, body: { name: 'hijacked' }, expect: notFound },
  'PATCH /campaigns/{id}': { params: campaign, body: { name: 'hijacked' }, expect: notFound },
  'DELETE /campaigns/{id}': { params: campaign, expect: notFound },
  'POST /campaigns/{id}/duplicate': { params: campaign, expect: notFound },
  'POST /campaigns/{id}/archive': { params: campaign, expect: notFound },
  'POST /campaigns/{id}/unarchive': { params: campaign, expect: notFound },
  'POST /campaigns/{id}/send': { params: campaign, body: {}, expect: notFound },
  'POST /campaigns/{id}/cancel': { params: campaign, expect: notFound },
  'POST /campaigns/{id}/test': { params: campaign, body: { email: 'a-tenant-owner@example.com' }, expect: notFound },
  'GET /campaigns/{id}/stats': { params: campaign, expect: notFound },
  'GET /campaigns/{id}/recipients': { params: campaign, expect: notFound },
  ...WORKFLOW_PARAM_ROUTES,
  ...WEBHOOK_PARAM_ROUTES,
  // Plunk's alias: only the caller's own project id exists there.
  'GET /domains/project/{projectId}': { params: (f) => ({ projectId: f.projectId }), expect: notFound },
  // An address is a name in the caller's own list: B has not listed A's address, so there is nothing to delete.
  'DELETE /suppression-list/{email}': { params: () => ({ email: 'a-tenant-suppressed@example.com' }), expect: notFound },
  // Projects and members (dashboard): never reachable with a key. Membership rules are tested in features/projects.
  'GET /users/@me/projects/{id}': { params: projectA, expect: sessionOnly },
  'PATCH /users/@me/projects/{id}': { params: projectA, body: { name: 'hijacked' }, expect: sessionOnly },
  'DELETE /users/@me/projects/{id}': { params: projectA, expect: sessionOnly },
  'GET /users/@me/projects/{id}/keys': { params: projectA, expect: sessionOnly },
  'GET /users/@me/projects/{id}/security': { params: projectA, expect: sessionOnly },
  'POST /users/@me/projects/{id}/resume-marketing': { params: projectA, expect: sessionOnly },
  'GET /users/@me/projects/{id}/billing-consumption': { params: projectA, expect: sessionOnly },
  'GET /users/@me/projects/{id}/billing-limits': { params: projectA, expect: sessionOnly },
  'PUT /users/@me/projects/{id}/billing-limits': { params: projectA, body: { transactional: 1 }, expect: sessionOnly },
  'POST /users/@me/projects/{id}/regenerate-keys': { params: projectA, expect: sessionOnly },
  'GET /projects/{id}/members': { params: projectA, expect: sessionOnly },
  'POST /projects/{id}/members': { params: projectA, body: { email: 'hijacker@example.com', role: 'ADMIN' }, expect: sessionOnly },
  'PATCH /projects/{id}/members/{userId}': { params: (f) => ({ id: f.projectId, userId: f.userId }), body: { role: 'MEMBER' }, expect: sessionOnly },
  'DELETE /projects/{id}/members/{userId}': { params: (f) => ({ id: f.projectId, userId: f.userId }), expect: sessionOnly },
  'DELETE /projects/{id}/invitations/{invitationId}': { params: (f) => ({ id: f.projectId, invitationId: f.invitationId }), expect: sessionOnly },
};

/** Dashboard routes: a session cookie only, so every API key gets 401 UNAUTHORIZED there. */
export const isSessionOnly = (path: string) => path.startsWith('/users/') || path.startsWith('/projects/');

/**
 * List routes that show the caller its own requests (the audit trail and the API request log). B's
 * attempts on A's ids and names are B's own history there, so the values B sent are not leaks.
 */
export const ECHOES_CALLER_INPUT = new Set(['GET /activity', 'GET /activity/requests']);

/** Every value B puts in a path while probing A's resources, also as the request log shows it (URL-encoded). */
export const probedValues = (f: TenantFixture) =>
  Object.values(PARAM_ROUTES)
    .flatMap((c) => Object.values(c.params(f)))
    .flatMap((v) => (encodeURIComponent(v) === v ? [v] : [v, encodeURIComponent(v)]));

/** Routes that are not key-authenticated API routes (or accept the public key by design). */
export const PUBLIC_KEY_EXEMPT = new Set([
  'POST /v1/track', 'GET /', 'GET /health', 'GET /openapi.json',
  // Accounts (features/users): public (/auth/* check the Origin only), never key-authenticated; covered by their own tests.
  'GET /config', 'POST /auth/signup', 'POST /auth/login', 'POST /auth/logout', 'POST /auth/request-password-reset', 'POST /auth/reset-password',
]);

/**
 * Registered paths that are deliberately absent from the OpenAPI document because they are not API
 * routes: no key or session, the signed token in the path is the only credential (it names one
 * contact, whose row names the project), and a bad token changes nothing. Tested in their features.
 */
export const TOKEN_PAGES = new Set([
  // Hosted pages (features/hosted-pages): GET shows, POST changes the contact's subscription.
  '/unsubscribe/{token}', '/subscribe/{token}', '/manage/{token}',
  // Open pixel and click redirect (features/tracking): GET /t/o/* and GET /t/c/*. The route drawing
  // without common prefixes shows wildcard routes flat, as "/*"; tracking.test.ts checks that these
  // two are the app's only wildcard routes, so nothing else hides behind this entry.
  '/*',
]);

/**
 * Provider webhooks, absent from the OpenAPI document on purpose: no key or session, each message is
 * signed by the provider and names its own email, so there is no project to cross. Tested in features/sns.
 */
export const SIGNED_WEBHOOKS = new Set(SNS_WEBHOOK_PATHS);

export interface Route {
  method: string;
  path: string;
  key: string;
  params: string[];
}

/** The live route table, read from the app's own OpenAPI document. */
export async function liveRoutes(t: TestContext): Promise<Route[]> {
  const doc = await t.request('GET', '/openapi.json', { key: null });
  if (doc.status !== 200) throw new Error(`GET /openapi.json answered ${doc.status}`);
  return Object.entries(doc.json.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    Object.keys(ops)
      .map((m) => m.toUpperCase())
      .filter((method) => method !== 'OPTIONS' && method !== 'HEAD')
      .map((method) => ({ method, path, key: `${method} ${path}`, params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]) })),
  );
}

export const fillPath = (path: string, values: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(values[name]);
  });
