import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext(); // MAIL_TRANSPORT defaults to inbox
  await t.startWorker();
});
afterAll(() => t.close());

it('keeps the full MIME message in the Dev Inbox instead of delivering it', async () => {
  const res = await t.request('POST', '/v1/send', { body: { to: 'dev@example.com', subject: 'Inbox {{ plan }}', body: '<p>Plan {{ plan }}</p>', data: { plan: 'team' } } });
  const emailId = res.json.data.emails[0].email;
  const listed = await waitFor(async () => {
    const list = await t.request('GET', '/inbox');
    return list.json.data.find((m: { emailId: string }) => m.emailId === emailId);
  });
  expect(listed).toMatchObject({ to: 'dev@example.com', subject: 'Inbox {{ plan }}' });
  const one = await t.request('GET', `/inbox/${listed.id}`);
  const parsed = await simpleParser(one.json.raw);
  expect(parsed.subject).toBe('Inbox team');
  expect(parsed.html).toContain('Plan team');
  expect(parsed.text).toContain('Plan team');
  expect((await t.request('GET', `/emails/${emailId}`)).json).toMatchObject({ status: 'SENT', reason: expect.stringMatching(/inbox/) });
});

it('shows one project\'s inbox only to that project', async () => {
  const other = await t.newProject('Other inbox');
  const list = await t.request('GET', '/inbox', { key: other.secretKey });
  expect(list.json.data).toEqual([]);
});
