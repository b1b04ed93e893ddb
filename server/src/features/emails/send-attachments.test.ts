import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { emails } from '../../db/schema/index.js';
import { MAX_ATTACHMENTS_BASE64_LENGTH } from './emails.schemas.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const base = { to: 'files@example.com', subject: 'Files', body: '<p>See attached</p>' };
const pdf = { filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4 fake').toString('base64'), contentType: 'application/pdf' };
const send = (attachments: unknown) => t.request('POST', '/v1/send', { body: { ...base, attachments } });
const emailCount = async () => (await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(emails))[0].n;
const fields = (res: { json: any }) => res.json.error.errors.map((e: { field: string }) => e.field);

describe('POST /v1/send attachments', () => {
  it('stores attachments on the email row, disposition defaulting to attachment', async () => {
    const logo = { filename: 'logo.png', content: 'iVBORw0KGgo=', contentType: 'image/png', contentId: 'logo@acme', disposition: 'inline' };
    const res = await send([pdf, logo]);
    expect(res.status).toBe(200);
    const [row] = await t.deps.db.select().from(emails).where(eq(emails.id, res.json.data.emails[0].email));
    expect(row.attachments).toEqual([{ ...pdf, disposition: 'attachment' }, logo]);
  });

  it('accepts ten attachments and refuses eleven', async () => {
    expect((await send(Array.from({ length: 10 }, () => pdf))).status).toBe(200);
    const res = await send(Array.from({ length: 11 }, () => pdf));
    expect(res.status).toBe(422);
    expect(fields(res)).toEqual(['attachments']);
  });

  it('requires a contentId for inline attachments, on the attachment\'s field path', async () => {
    const res = await send([pdf, { ...pdf, disposition: 'inline' }]);
    expect(res.status).toBe(422);
    expect(fields(res)).toEqual(['attachments.1.contentId']);
  });

  it('refuses unsafe or malformed attachment fields, writing nothing', async () => {
    const before = await emailCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...pdf, filename: '' }, 'attachments.0.filename'],
      [{ ...pdf, filename: 'a"b.pdf' }, 'attachments.0.filename'],
      [{ ...pdf, filename: 'a\r\nb.pdf' }, 'attachments.0.filename'],
      [{ ...pdf, filename: 'x'.repeat(256) }, 'attachments.0.filename'],
      [{ ...pdf, content: '' }, 'attachments.0.content'],
      [{ ...pdf, content: 'not base64!' }, 'attachments.0.content'],
      [{ ...pdf, contentType: '' }, 'attachments.0.contentType'],
      [{ ...pdf, contentType: 'text/plain\r\nX-Evil: 1' }, 'attachments.0.contentType'],
      [{ ...pdf, contentId: '<logo>' }, 'attachments.0.contentId'],
      [{ ...pdf, contentId: 'a\nb' }, 'attachments.0.contentId'],
      [{ ...pdf, disposition: 'form-data' }, 'attachments.0.disposition'],
    ];
    for (const [attachment, field] of cases) {
      const res = await send([attachment]);
      expect(res.status, field).toBe(422);
      expect(fields(res), field).toContain(field);
    }
    expect(await emailCount()).toBe(before);
  });

  it('refuses attachments totalling more than 10 MB decoded', async () => {
    const half = 'A'.repeat(Math.ceil(MAX_ATTACHMENTS_BASE64_LENGTH / 2 / 4) * 4 + 4);
    const before = await emailCount();
    const res = await send([
      { ...pdf, content: half },
      { ...pdf, content: half },
    ]);
    expect(res.status).toBe(422);
    expect(fields(res)).toEqual(['attachments']);
    expect(res.json.error.errors[0].message).toMatch(/10 MB/);
    expect(await emailCount()).toBe(before);
  });
});
