import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { campaigns, contacts, type CampaignStatus } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// The /campaigns resource: create, list, get, update (PUT and PATCH), delete, duplicate, archive,
// and the status rules around them. Sending is the lifecycle's (campaign-lifecycle tests).

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

type Body = Record<string, unknown>;
const as = (p: ProjectWithKeys) => ({
  get: (url: string) => t.request('GET', url, { key: p.secretKey }),
  post: (url: string, body?: Body) => t.request('POST', url, { key: p.secretKey, body }),
  put: (url: string, body: Body) => t.request('PUT', url, { key: p.secretKey, body }),
  patch: (url: string, body: Body) => t.request('PATCH', url, { key: p.secretKey, body }),
  del: (url: string) => t.request('DELETE', url, { key: p.secretKey }),
});
const draft = (extra: Body = {}) => ({ name: 'Spring sale', subject: 'Hello {{ email }}', body: '<p>Sale!</p>', audienceType: 'ALL', ...extra });
async function seed(p: ProjectWithKeys, n: number) {
  await t.deps.db.insert(contacts).values(Array.from({ length: n }, (_, i) => ({ projectId: p.id, email: `crud-${i}-${Math.random().toString(36).slice(2, 8)}@x.com` })));
}
const setStatus = (id: string, status: CampaignStatus) => t.deps.db.update(campaigns).set({ status }).where(eq(campaigns.id, id));

describe('POST /campaigns', () => {
  it('creates a DRAFT with the recipient count and the project default sender', async () => {
    const p = await t.newProject('Acme', 'news@acme.test');
    await seed(p, 3);
    const res = await as(p).post('/campaigns', draft({ description: 'April', fromName: 'Acme News', replyTo: 'reply@acme.test' }));
    expect(res.status, res.body).toBe(201);
    expect(res.json.success).toBe(true);
    expect(res.json.data).toMatchObject({
      name: 'Spring sale', description: 'April', subject: 'Hello {{ email }}', body: '<p>Sale!</p>', from: 'news@acme.test', fromName: 'Acme News',
      replyTo: 'reply@acme.test', type: 'MARKETING', audienceType: 'ALL', segmentId: null, segment: null, audienceCondition: null, status: 'DRAFT',
      scheduledFor: null, sentAt: null, totalRecipients: 3, archived: false, projectId: p.id,
    });
  });

  it('copies subject, body and sender from a template; fields in the request win', async () => {
    const p = await t.newProject();
    const tpl = await as(p).post('/templates', { name: 'T', subject: 'From template', body: '<p>Template body</p>', from: 'tpl@acme.test', fromName: 'Tpl', replyTo: 'r@acme.test' });
    const res = await as(p).post('/campaigns', { name: 'From tpl', templateId: tpl.json.id, subject: 'Mine', audienceType: 'ALL' });
    expect(res.status, res.body).toBe(201);
    expect(res.json.data).toMatchObject({ subject: 'Mine', body: '<p>Template body</p>', from: 'tpl@acme.test', fromName: 'Tpl', replyTo: 'r@acme.test', templateId: tpl.json.id });
  });

  it('replays a repeated Idempotency-Key instead of creating twice', async () => {
    const p = await t.newProject();
    const send = () => t.request('POST', '/campaigns', { key: p.secretKey, headers: { 'idempotency-key': 'camp-1' }, body: draft() });
    const first = await send();
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json).toEqual(first.json);
    expect((await as(p).get('/campaigns')).json.total).toBe(1);
  });
});

describe('GET /campaigns', () => {
  it('pages, filters by status and search, sorts, and hides archived campaigns unless asked', async () => {
    const p = await t.newProject();
    const ids: string[] = [];
    for (const name of ['Alpha', 'Bravo', 'Charlie', 'Delta']) ids.push((await as(p).post('/campaigns', draft({ name, subject: `${name} news` }))).json.data.id);
    await setStatus(ids[1], 'SENT');
    await as(p).post(`/campaigns/${ids[3]}/archive`);

    const page1 = await as(p).get('/campaigns?pageSize=2&sort=name&dir=asc');
    expect(page1.json).toMatchObject({ success: true, total: 3, page: 1, pageSize: 2, totalPages: 2 });
    expect(page1.json.data.map((c: { name: string }) => c.name)).toEqual(['Alpha', 'Bravo']);
    expect((await as(p).get('/campaigns?pageSize=2&page=2&sort=name&dir=asc')).json.data.map((c: { name: string }) => c.name)).toEqual(['Charlie']);
    expect((await as(p).get('/campaigns?status=SENT')).json.data.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
    expect((await as(p).get('/campaigns?search=charlie%20NEWS')).json.data.map((c: { name: string }) => c.name)).toEqual(['Charlie']);
    expect((await as(p).get('/campaigns?archived=true')).json.data.map((c: { name: string }) => c.name)).toEqual(['Delta']);
    expect((await as(p).get('/campaigns?archived=all')).json.total).toBe(4);
    expect((await as(p).get('/campaigns?sort=bogus&dir=sideways')).json.data[0].name).toBe('Charlie'); // defaults: newest first
  });

  it('refuses an unknown status with 422', async () => {
    const res = await as(t.project).get('/campaigns?status=DONE');
    expect(res.status).toBe(422);
    expect(res.json.error.errors[0]).toMatchObject({ field: 'querystring.status', message: 'Invalid status value' });
  });
});

describe('GET /campaigns/:id', () => {
  it('includes the segment it targets', async () => {
    const p = await t.newProject();
    const segment = await as(p).post('/segments', { name: 'VIPs', type: 'STATIC' });
    const created = await as(p).post('/campaigns', draft({ audienceType: 'SEGMENT', segmentId: segment.json.id }));
    const res = await as(p).get(`/campaigns/${created.json.data.id}`);
    expect(res.status).toBe(200);
    expect(res.json.data.segment).toEqual({ id: segment.json.id, name: 'VIPs' });
  });

  it('answers 404 CAMPAIGN_NOT_FOUND for unknown and malformed ids', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await as(t.project).get(`/campaigns/${id}`);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('CAMPAIGN_NOT_FOUND');
    }
  });
});

describe('PUT /campaigns/:id', () => {
  it('updates content with PUT or PATCH and recounts recipients when the audience changes', async () => {
    const p = await t.newProject();
    await seed(p, 2);
    const id = (await as(p).post('/campaigns', draft())).json.data.id;
    const put = await as(p).put(`/campaigns/${id}`, { subject: 'New subject', fromName: null });
    expect(put.status, put.body).toBe(200);
    expect(put.json.data).toMatchObject({ subject: 'New subject', fromName: null, totalRecipients: 2 });
    await seed(p, 1);
    const condition = { logic: 'AND', groups: [{ filters: [{ field: 'email', operator: 'contains', value: 'crud-0-' }] }] };
    const patched = await as(p).patch(`/campaigns/${id}`, { audienceType: 'FILTERED', audienceCondition: condition });
    expect(patched.status, patched.body).toBe(200);
    expect(patched.json.data).toMatchObject({ audienceType: 'FILTERED', audienceCondition: condition, totalRecipients: 2 });
    const back = await as(p).patch(`/campaigns/${id}`, { audienceType: 'ALL' });
    expect(back.json.data).toMatchObject({ audienceType: 'ALL', audienceCondition: null, totalRecipients: 3 });
  });

  it('edits a SCHEDULED campaign, but not its audience', async () => {
    const p = await t.newProject();
    const segment = await as(p).post('/segments', { name: 'S', type: 'STATIC' });
    const id = (await as(p).post('/campaigns', draft())).json.data.id;
    await setStatus(id, 'SCHEDULED');
    expect((await as(p).put(`/campaigns/${id}`, { name: 'Renamed', audienceType: 'ALL' })).json.data.name).toBe('Renamed');
    for (const change of [{ audienceType: 'SEGMENT', segmentId: segment.json.id }, { type: 'TRANSACTIONAL' }]) {
      const res = await as(p).put(`/campaigns/${id}`, change);
      expect(res.status).toBe(409);
      expect(res.json.error.code).toBe('CONFLICT');
    }
  });

  it('refuses edits once the campaign is sending or sent (409)', async () => {
    const p = await t.newProject();
    const id = (await as(p).post('/campaigns', draft())).json.data.id;
    for (const status of ['SENDING', 'SENT', 'CANCELLED'] as const) {
      await setStatus(id, status);
      const res = await as(p).put(`/campaigns/${id}`, { name: 'Too late' });
      expect(res.status).toBe(409);
      expect(res.json.error).toMatchObject({ code: 'CONFLICT', message: 'Cannot update campaign that is sending or has been sent' });
    }
  });
});

describe('DELETE /campaigns/:id', () => {
  it('deletes drafts only; others answer 409 CONFLICT', async () => {
    const p = await t.newProject();
    const keep = (await as(p).post('/campaigns', draft())).json.data.id;
    await setStatus(keep, 'SENT');
    const res = await as(p).del(`/campaigns/${keep}`);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('CONFLICT');

    const gone = (await as(p).post('/campaigns', draft())).json.data.id;
    const ok = await as(p).del(`/campaigns/${gone}`);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ success: true, message: 'Campaign deleted successfully' });
    expect((await as(p).get(`/campaigns/${gone}`)).status).toBe(404);
  });
});

describe('duplicate and archive', () => {
  it('duplicates as a new DRAFT "<name> (Copy)" counted now', async () => {
    const p = await t.newProject();
    await seed(p, 2);
    const src = (await as(p).post('/campaigns', draft({ type: 'TRANSACTIONAL' }))).json.data;
    await setStatus(src.id, 'SENT');
    await seed(p, 1);
    const res = await as(p).post(`/campaigns/${src.id}/duplicate`);
    expect(res.status, res.body).toBe(201);
    expect(res.json.message).toBe('Campaign duplicated successfully');
    expect(res.json.data).toMatchObject({ name: 'Spring sale (Copy)', status: 'DRAFT', type: 'TRANSACTIONAL', subject: src.subject, body: src.body, totalRecipients: 3 });
    expect(res.json.data.id).not.toBe(src.id);
  });

  it('archives and unarchives whatever the status', async () => {
    const p = await t.newProject();
    const id = (await as(p).post('/campaigns', draft())).json.data.id;
    await setStatus(id, 'SENT');
    expect((await as(p).post(`/campaigns/${id}/archive`)).json.data).toMatchObject({ archived: true, status: 'SENT' });
    expect((await as(p).get('/campaigns')).json.total).toBe(0);
    expect((await as(p).post(`/campaigns/${id}/unarchive`)).json.data.archived).toBe(false);
  });

  it('records an activity entry for each change', async () => {
    const p = await t.newProject();
    const id = (await as(p).post('/campaigns', draft())).json.data.id;
    await as(p).put(`/campaigns/${id}`, { name: 'Renamed' });
    const copy = (await as(p).post(`/campaigns/${id}/duplicate`)).json.data.id;
    await as(p).post(`/campaigns/${id}/archive`);
    await as(p).post(`/campaigns/${id}/unarchive`);
    await as(p).del(`/campaigns/${copy}`);
    const types = (await as(p).get('/activity?type=campaign.*')).json.data.map((a: { type: string }) => a.type).sort();
    expect(types).toEqual(['campaign.archived', 'campaign.created', 'campaign.deleted', 'campaign.duplicated', 'campaign.unarchived', 'campaign.updated']);
  });
});

describe('send and cancel routes', () => {
  it('hand over to the lifecycle: scheduling answers SCHEDULED, cancelling returns it to DRAFT', async () => {
    const p = await t.newProject();
    await seed(p, 2);
    const id = (await as(p).post('/campaigns', draft())).json.data.id;
    const when = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await as(p).post(`/campaigns/${id}/send`, { scheduledFor: when });
    expect(scheduled.status, scheduled.body).toBe(200);
    expect(scheduled.json).toMatchObject({ success: true, message: `Campaign scheduled for ${when}`, data: { id, status: 'SCHEDULED', scheduledFor: when } });
    const cancelled = await as(p).post(`/campaigns/${id}/cancel`);
    expect(cancelled.status, cancelled.body).toBe(200);
    expect(cancelled.json).toMatchObject({ success: true, message: 'Campaign cancelled successfully', data: { id, status: 'DRAFT', scheduledFor: null } });
  });
});
