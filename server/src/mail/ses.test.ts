import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../test/context.js';
import { sesEnv, startFakeSes } from '../../test/fake-ses.js';
import { emails } from '../db/schema/index.js';

let ses: Awaited<ReturnType<typeof startFakeSes>>;
let t: TestContext;

beforeAll(async () => {
  ses = await startFakeSes();
  t = await createTestContext({ env: { MAIL_TRANSPORT: 'ses', ...sesEnv(ses.url), SES_CONFIGURATION_SET: 'mailwright-events' } });
  await t.startWorker();
});
afterAll(async () => {
  await t?.close();
  await ses?.close();
});
beforeEach(() => ses.clearFailures());

const sendOne = async (to: string, extra: Record<string, unknown> = {}) => {
  const res = await t.request('POST', '/v1/send', { body: { to, subject: 'Hello', body: '<p>Hi there</p>', ...extra } });
  expect(res.status).toBe(200);
  return res.json.data.emails[0].email as string;
};
const settled = (id: string) =>
  waitFor(async () => {
    const res = await t.request('GET', `/emails/${id}`);
    return ['SENT', 'FAILED', 'SUPPRESSED'].includes(res.json.status) ? res.json : null;
  }, 20_000, `email ${id} to settle`);
const providerIdOf = async (id: string) => (await t.deps.db.select({ p: emails.providerMessageId }).from(emails).where(eq(emails.id, id)))[0].p;

describe('SES transport', () => {
  it('hands our raw MIME to SendEmail and stores the SES MessageId', async () => {
    const id = await sendOne('ses-ann@example.com', { from: { name: 'Acme', email: 'hello@acme.test' }, headers: { 'X-Campaign-Ref': 'ses-1' } });
    const email = await settled(id);
    expect(email.status).toBe('SENT');
    const [got] = ses.accepted.filter((m) => m.to.includes('ses-ann@example.com'));
    expect(got).toBeDefined();
    expect(got.to).toEqual(['ses-ann@example.com']);
    expect(got.configurationSet).toBe('mailwright-events');
    expect(got.fromEmailAddress).toMatch(/@acme\.test$/);
    const parsed = await simpleParser(got.raw);
    expect(parsed.messageId).toBe(email.messageId);
    expect(parsed.subject).toBe('Hello');
    expect(parsed.from?.value[0]).toMatchObject({ name: 'Acme', address: 'hello@acme.test' });
    expect(parsed.headers.get('x-campaign-ref')).toBe('ses-1');
    expect(parsed.text).toContain('Hi there');
    // The request is signed with SigV4 by the SDK.
    expect(String(got.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEFORTESTS0000\//);
    expect(await providerIdOf(id)).toBe(got.messageId);
    expect(email.reason).toBe(`Accepted by ses: SES MessageId ${got.messageId}`);
  });

  it('retries after throttling (429) and then delivers', async () => {
    ses.failNext(1, { status: 429, errorType: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' });
    const id = await sendOne('ses-throttled@example.com');
    const retrying = await waitFor(async () => {
      const res = await t.request('GET', `/emails/${id}`);
      return res.json.status === 'PENDING' && res.json.reason ? res.json : null;
    }, 10_000, 'a retry reason');
    expect(retrying.reason).toMatch(/TooManyRequestsException.*HTTP 429.*Maximum sending rate exceeded/);
    const email = await settled(id);
    expect(email.status).toBe('SENT');
    expect(email.attempts).toBe(2);
    expect(ses.accepted.filter((m) => m.to.includes('ses-throttled@example.com'))).toHaveLength(1);
  });

  it('retries a 503 from SES', async () => {
    ses.failNext(1, { status: 503, errorType: 'ServiceUnavailable', message: 'down for a moment' });
    const email = await settled(await sendOne('ses-503@example.com'));
    expect(email.status).toBe('SENT');
    expect(email.attempts).toBe(2);
  });

  it('fails a message SES rejects, once, without treating the recipient as bounced', async () => {
    ses.failNext(1, { status: 400, errorType: 'MessageRejected', message: 'Email address is not verified.' });
    const before = ses.requestCount();
    const email = await settled(await sendOne('ses-rejected@example.com'));
    expect(email.status).toBe('FAILED');
    expect(email.reason).toMatch(/MessageRejected.*Email address is not verified/);
    expect(ses.requestCount() - before).toBe(1);
    // The address itself is fine: a later message to it is delivered (not suppressed).
    expect((await settled(await sendOne('ses-rejected@example.com'))).status).toBe('SENT');
  });

  it('never logs the AWS secret', () => {
    const secret = sesEnv(ses.url).AWS_SECRET_ACCESS_KEY;
    expect(t.logs.some((l) => l.includes(secret))).toBe(false);
  });
});
