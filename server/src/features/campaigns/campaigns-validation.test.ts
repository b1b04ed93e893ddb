import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { campaigns, contacts, type CampaignStatus } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// Every refusal of the campaigns API, with its status and code (DECISIONS §2).

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

type Body = Record<string, unknown>;
const post = (p: ProjectWithKeys, url: string, body?: Body) => t.request('POST', url, { key: p.secretKey, body });
const draft = (extra: Body = {}) => ({ name: 'Launch', subject: 'Hi', body: '<p>Hi</p>', audienceType: 'ALL', ...extra });
const fieldsOf = (res: { json: any }) => res.json.error.errors?.map((e: { field: string }) => e.field) ?? [];
const setStatus = (id: string, status: CampaignStatus) => t.deps.db.update(campaigns).set({ status }).where(eq(campaigns.id, id));
const createDraft = async (p: ProjectWithKeys, extra: Body = {}) => (await post(p, '/campaigns', draft(extra))).json.data.id as string;

describe('POST /campaigns refuses', () => {
  it('missing or malformed fields with 422 naming them', async () => {
    const cases: [Body, string][] = [
      [{ ...draft(), name: '' }, 'name'],
      [{ ...draft(), name: undefined }, 'name'],
      [{ ...draft(), subject: undefined }, 'subject'],
      [{ ...draft(), subject: '' }, 'subject'],
      [{ ...draft(), subject: 'a\r\nBcc: x@y.z' }, 'subject'],
      [{ ...draft(), body: undefined }, 'body'],
      [{ ...draft(), from: 'not an address' }, 'from'],
      [{ ...draft(), fromName: 'x'.repeat(101) }, 'fromName'],
      [{ ...draft(), replyTo: 'nope' }, 'replyTo'],
      [{ ...draft(), type: 'HEADLESS' }, 'type'],
      [{ ...draft(), audienceType: undefined }, 'audienceType'],
      [{ ...draft(), audienceType: 'EVERYONE' }, 'audienceType'],
      [draft({ audienceType: 'SEGMENT' }), 'segmentId'],
      [draft({ audienceType: 'FILTERED' }), 'audienceCondition'],
      [draft({ audienceType: 'FILTERED', audienceCondition: { logic: 'AND', groups: [{ filters: [{ field: 'shoe', operator: 'equals', value: 1 }] }] } }), 'audienceCondition.groups.0.filters.0.field'],
    ];
    for (const [body, field] of cases) {
      const res = await post(t.project, '/campaigns', body);
      expect(res.status, `${field}: ${res.body}`).toBe(422);
      expect(res.json.error.code).toBe('VALIDATION_ERROR');
      expect(fieldsOf(res), JSON.stringify(body)).toContain(field);
    }
  });

  it('Liquid that would not render, naming the field', async () => {
    for (const [body, field] of [[draft({ subject: 'Hi {{ name' }), 'subject'], [draft({ body: '{% if x %}unclosed' }), 'body'], [draft({ body: '{{ x | upcse }}' }), 'body']] as const) {
      const res = await post(t.project, '/campaigns', body);
      expect(res.status, res.body).toBe(422);
      expect(fieldsOf(res)).toEqual([field]);
      expect(res.json.error.message).toContain(`Invalid template syntax in ${field}`);
    }
  });

  it('a sender when neither the request, a template nor the project has one (422)', async () => {
    const p = await t.newProject('No sender', null);
    const res = await post(p, '/campaigns', draft());
    expect(res.status).toBe(422);
    expect(fieldsOf(res)).toEqual(['from']);
  });

  it('a segment, template or condition segment of another project (404)', async () => {
    const other = await t.newProject();
    const segment = (await post(other, '/segments', { name: 'Theirs', type: 'STATIC' })).json.id;
    const template = (await post(other, '/templates', { name: 'T', subject: 's', body: 'b', from: 'a@b.co' })).json.id;
    const bySegment = await post(t.project, '/campaigns', draft({ audienceType: 'SEGMENT', segmentId: segment }));
    expect(bySegment.status).toBe(404);
    expect(bySegment.json.error.code).toBe('RESOURCE_NOT_FOUND');
    const byTemplate = await post(t.project, '/campaigns', { name: 'x', templateId: template, audienceType: 'ALL' });
    expect(byTemplate.status).toBe(404);
    expect(byTemplate.json.error.code).toBe('TEMPLATE_NOT_FOUND');
    const condition = { logic: 'AND', groups: [{ filters: [{ field: `segment.${segment}`, operator: 'memberOfSegment' }] }] };
    const byCondition = await post(t.project, '/campaigns', draft({ audienceType: 'FILTERED', audienceCondition: condition }));
    expect(byCondition.status).toBe(422);
    expect(fieldsOf(byCondition)).toEqual(['audienceCondition.groups.0.filters.0.field']);
    expect((await t.request('GET', '/campaigns')).json.total).toBe(0);
  });

  it('a sender domain that is not verified when verification is required (403 DOMAIN_NOT_VERIFIED)', async () => {
    const strict = await createTestContext({ env: { REQUIRE_VERIFIED_DOMAINS: 'true' } });
    try {
      const res = await strict.request('POST', '/campaigns', { body: draft({ from: 'news@unverified.example' }) });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('DOMAIN_NOT_VERIFIED');
      const id = (await strict.deps.db.insert(campaigns).values({ projectId: strict.project.id, name: 'n', subject: 's', body: 'b', fromEmail: 'a@ok.example', audienceType: 'ALL' }).returning())[0].id;
      const update = await strict.request('PUT', `/campaigns/${id}`, { body: { from: 'news@unverified.example' } });
      expect(update.status).toBe(403);
      expect(update.json.error.code).toBe('DOMAIN_NOT_VERIFIED');
    } finally {
      await strict.close();
    }
  });
});

describe('PUT /campaigns/:id refuses', () => {
  it('switching to SEGMENT or FILTERED without the segment or condition (422)', async () => {
    const id = await createDraft(t.project);
    expect(fieldsOf(await t.request('PUT', `/campaigns/${id}`, { body: { audienceType: 'SEGMENT' } }))).toEqual(['segmentId']);
    expect(fieldsOf(await t.request('PUT', `/campaigns/${id}`, { body: { audienceType: 'FILTERED' } }))).toEqual(['audienceCondition']);
    expect(fieldsOf(await t.request('PUT', `/campaigns/${id}`, { body: { body: '{{ oops' } }))).toEqual(['body']);
  });
});

describe('POST /campaigns/:id/send refuses', () => {
  it('an unparseable or past scheduledFor (422)', async () => {
    const p = await t.newProject();
    await t.deps.db.insert(contacts).values({ projectId: p.id, email: 'one@x.com' });
    const id = await createDraft(p);
    for (const [scheduledFor, message] of [['next tuesday', 'Invalid scheduledFor date format'], ['2001-01-01T00:00:00Z', 'Scheduled time must be in the future']]) {
      const res = await post(p, `/campaigns/${id}/send`, { scheduledFor });
      expect(res.status, res.body).toBe(422);
      expect(res.json.error.errors).toEqual([expect.objectContaining({ field: 'scheduledFor', message })]);
    }
  });

  it('a campaign without recipients (400)', async () => {
    const p = await t.newProject();
    const id = await createDraft(p);
    const res = await post(p, `/campaigns/${id}/send`, {});
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'BAD_REQUEST', message: 'Campaign has no recipients' });
  });

  it('a campaign already sending or sent (409)', async () => {
    const id = await createDraft(t.project);
    for (const status of ['SENDING', 'SENT', 'CANCELLED'] as const) {
      await setStatus(id, status);
      const res = await post(t.project, `/campaigns/${id}/send`);
      expect(res.status).toBe(409);
      expect(res.json.error).toMatchObject({ code: 'CONFLICT', message: 'Campaign has already been sent or is currently sending' });
    }
  });
});

describe('other refusals', () => {
  it('cancelling a campaign that is not scheduled or sending (409)', async () => {
    const id = await createDraft(t.project);
    for (const status of ['DRAFT', 'SENT', 'CANCELLED'] as const) {
      await setStatus(id, status);
      const res = await post(t.project, `/campaigns/${id}/cancel`);
      expect(res.status).toBe(409);
      expect(res.json.error).toMatchObject({ code: 'CONFLICT', message: 'Can only cancel scheduled or sending campaigns' });
    }
  });

  it('unknown ids on every campaign route (404 CAMPAIGN_NOT_FOUND)', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const routes: [string, string, Body?][] = [
      ['GET', `/campaigns/${id}`], ['PUT', `/campaigns/${id}`, { name: 'x' }], ['PATCH', `/campaigns/${id}`, { name: 'x' }], ['DELETE', `/campaigns/${id}`],
      ['POST', `/campaigns/${id}/duplicate`], ['POST', `/campaigns/${id}/archive`], ['POST', `/campaigns/${id}/unarchive`], ['POST', `/campaigns/${id}/send`, {}],
      ['POST', `/campaigns/${id}/cancel`], ['POST', `/campaigns/${id}/test`, { email: 'a@b.co' }], ['GET', `/campaigns/${id}/stats`], ['GET', `/campaigns/${id}/recipients`],
    ];
    for (const [method, url, body] of routes) {
      const res = await t.request(method, url, { body });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.json.error.code).toBe('CAMPAIGN_NOT_FOUND');
    }
  });

  it('requests without a key (401)', async () => {
    const res = await t.request('GET', '/campaigns', { key: null });
    expect(res.status).toBe(401);
  });
});
