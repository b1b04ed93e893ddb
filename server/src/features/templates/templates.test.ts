import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { activities, templates } from '../../db/schema/index.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const base = { name: 'Welcome', subject: 'Hi {{ name ?? "there" }}', body: '<p>Hello {{ name }}</p>', from: 'hello@acme.test' };
const create = (body: Record<string, unknown>, key?: string) => t.request('POST', '/templates', { body, key });
const templateCount = async () => (await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(templates))[0].n;

describe('template CRUD', () => {
  it('creates a template with defaults and answers 201 with the resource', async () => {
    const res = await create(base);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      id: expect.any(String),
      projectId: t.project.id,
      name: 'Welcome',
      description: null,
      from: 'hello@acme.test',
      fromName: null,
      replyTo: null,
      type: 'MARKETING',
      disableFooter: false,
    });
    const got = await t.request('GET', `/templates/${res.json.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(res.json);
  });

  it('requires name, subject, body and from, with one error per field', async () => {
    const res = await create({});
    expect(res.status).toBe(422);
    expect(res.json.error.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body', 'from', 'name', 'subject']);
  });

  it('enforces length limits and a valid sender address', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, name: 'x'.repeat(101) }, 'name'],
      [{ ...base, description: 'x'.repeat(501) }, 'description'],
      [{ ...base, fromName: 'x'.repeat(101) }, 'fromName'],
      [{ ...base, from: 'not-an-email' }, 'from'],
      [{ ...base, replyTo: 'nope' }, 'replyTo'],
      [{ ...base, type: 'NEWSLETTER' }, 'type'],
      [{ ...base, subject: 'Hi\r\nBcc: x@example.com' }, 'subject'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect(res.status, field).toBe(422);
      expect(res.json.error.errors[0].field, field).toBe(field);
    }
  });

  it('updates only the given fields and can clear optional ones', async () => {
    const { json: created } = await create({ ...base, description: 'd', fromName: 'Acme', type: 'TRANSACTIONAL' });
    const res = await t.request('PATCH', `/templates/${created.id}`, { body: { subject: 'New subject', fromName: null } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ subject: 'New subject', fromName: null, description: 'd', type: 'TRANSACTIONAL', body: base.body });
    expect(new Date(res.json.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.updatedAt).getTime());
  });

  it('deletes a template with 204, after which it is gone', async () => {
    const { json: created } = await create(base);
    const res = await t.request('DELETE', `/templates/${created.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect((await t.request('GET', `/templates/${created.id}`)).status).toBe(404);
  });

  it('duplicates a template as "<name> (copy)" with 201', async () => {
    const { json: src } = await create({ ...base, name: 'Receipt', type: 'HEADLESS', replyTo: 'support@acme.test' });
    const res = await t.request('POST', `/templates/${src.id}/duplicate`);
    expect(res.status).toBe(201);
    expect(res.json.id).not.toBe(src.id);
    expect(res.json).toMatchObject({ name: 'Receipt (copy)', type: 'HEADLESS', replyTo: 'support@acme.test', subject: src.subject, body: src.body });
  });

  it('keeps a duplicate of a 100-character name within the limit', async () => {
    const { json: src } = await create({ ...base, name: 'n'.repeat(100) });
    const res = await t.request('POST', `/templates/${src.id}/duplicate`);
    expect(res.json.name).toHaveLength(100);
    expect(res.json.name.endsWith(' (copy)')).toBe(true);
  });

  it('reports no usage while campaigns and workflows do not exist', async () => {
    const { json: src } = await create(base);
    const res = await t.request('GET', `/templates/${src.id}/usage`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ campaigns: [], workflows: [] });
  });

  it('records activity for create, update, duplicate and delete', async () => {
    const { json: src } = await create({ ...base, name: 'Audited' });
    await t.request('PATCH', `/templates/${src.id}`, { body: { name: 'Audited 2' } });
    const { json: copy } = await t.request('POST', `/templates/${src.id}/duplicate`);
    await t.request('DELETE', `/templates/${copy.id}`);
    const rows = await t.deps.db.select().from(activities).where(eq(activities.projectId, t.project.id));
    const mine = rows.filter((r) => [src.id, copy.id].includes((r.metadata as { templateId?: string } | null)?.templateId ?? ''));
    expect(mine.map((r) => r.type).sort()).toEqual(['template.created', 'template.deleted', 'template.duplicated', 'template.updated']);
    expect(mine.every((r) => r.actorType === 'secret_key')).toBe(true);
  });

  it('refuses public keys', async () => {
    const res = await t.request('GET', '/templates', { key: t.project.publicKey });
    expect(res.status).toBe(401);
  });
});

describe('templates of another project', () => {
  it('answers 404 TEMPLATE_NOT_FOUND for every route given a foreign or malformed id', async () => {
    const other = await t.newProject('Other');
    const { json: foreign } = await create(base, other.secretKey);
    const routes: [string, string, unknown?][] = [
      ['GET', `/templates/${foreign.id}`],
      ['PATCH', `/templates/${foreign.id}`, { name: 'x' }],
      ['DELETE', `/templates/${foreign.id}`],
      ['POST', `/templates/${foreign.id}/duplicate`],
      ['GET', `/templates/${foreign.id}/usage`],
      ['GET', '/templates/not-a-uuid'],
    ];
    for (const [method, url, body] of routes) {
      const res = await t.request(method, url, { body });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.json.error.code).toBe('TEMPLATE_NOT_FOUND');
    }
    expect((await t.request('GET', `/templates/${foreign.id}`, { key: other.secretKey })).json.name).toBe('Welcome');
  });
});

describe('bulk delete', () => {
  it('deletes all given templates in one call', async () => {
    const ids = await Promise.all([1, 2, 3].map(async (i) => (await create({ ...base, name: `Bulk ${i}` })).json.id));
    const res = await t.request('POST', '/templates/bulk-update', { body: { ids, delete: true } });
    expect(res.status).toBe(200);
    expect(res.json.deleted).toBe(3);
    for (const id of ids) expect((await t.request('GET', `/templates/${id}`)).status).toBe(404);
  });

  it('deletes nothing when one id belongs to another project', async () => {
    const other = await t.newProject('Bulk other');
    const foreign = (await create(base, other.secretKey)).json.id;
    const mine = (await create({ ...base, name: 'Keep me' })).json.id;
    const before = await templateCount();
    const res = await t.request('POST', '/templates/bulk-update', { body: { ids: [mine, foreign], delete: true } });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('TEMPLATE_NOT_FOUND');
    expect(res.json.error.message).toContain(foreign);
    expect(await templateCount()).toBe(before);
    expect((await t.request('GET', `/templates/${mine}`)).status).toBe(200);
  });

  it('validates the id list', async () => {
    const tooMany = Array.from({ length: 1001 }, () => '00000000-0000-4000-8000-000000000000');
    for (const body of [{ ids: [], delete: true }, { ids: ['nope'], delete: true }, { ids: tooMany, delete: true }]) {
      expect((await t.request('POST', '/templates/bulk-update', { body })).status).toBe(422);
    }
  });
});

describe('write-time Liquid validation', () => {
  const fieldError = async (body: Record<string, unknown>) => {
    const res = await create({ ...base, ...body });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('VALIDATION_ERROR');
    return res.json.error;
  };

  it('names the field and the line of an unclosed tag', async () => {
    const error = await fieldError({ body: '<p>Hi</p>\n{% if vip %}\n<p>VIP</p>' });
    expect(error.errors[0].field).toBe('body');
    expect(error.errors[0].message).toMatch(/line 2/);
    expect(error.message).toMatch(/line 2/);
    expect(error.details).toMatchObject({ field: 'body', line: 2 });
  });

  it('refuses an unclosed output in the subject', async () => {
    const error = await fieldError({ subject: 'Hello {{ name' });
    expect(error.errors[0].field).toBe('subject');
    expect(error.errors[0].message).toMatch(/line 1/);
  });

  it('refuses unknown filters', async () => {
    const error = await fieldError({ body: 'a\nb\n{{ name | upcse }}' });
    expect(error.errors[0]).toMatchObject({ field: 'body', code: 'invalid_template' });
    expect(error.errors[0].message).toMatch(/upcse.*line 3/);
  });

  it('refuses include, render and layout tags', async () => {
    for (const tag of ["{% include 'x' %}", "{% render 'x' %}", "{% layout 'x' %}"]) {
      const error = await fieldError({ body: `<p>a</p>\n${tag}` });
      expect(error.errors[0].message, tag).toMatch(/not allowed.*line 2/);
    }
  });

  it('accepts the ?? fallback syntax and keeps line numbers after a multi-line one', async () => {
    expect((await create({ ...base, body: '{{ first_name ?? "friend" }} {{ plan ?? free }}' })).status).toBe(201);
    const error = await fieldError({ body: '{{ name\n??\n"x" }}\n{% endif %}' });
    expect(error.errors[0].message).toMatch(/line 4/);
  });

  it('validates Liquid on update too, and leaves the template unchanged', async () => {
    const { json: src } = await create(base);
    const res = await t.request('PATCH', `/templates/${src.id}`, { body: { body: '{% for x in xs %}' } });
    expect(res.status).toBe(422);
    expect(res.json.error.errors[0].field).toBe('body');
    expect((await t.request('GET', `/templates/${src.id}`)).json.body).toBe(base.body);
  });

  it('accepts conditionals, loops and filters', async () => {
    const body = '{% if vip %}<b>VIP</b>{% else %}Hi{% endif %}<ul>{% for i in items %}<li>{{ i | upcase }}</li>{% endfor %}</ul>';
    expect((await create({ ...base, body })).status).toBe(201);
  });
});
