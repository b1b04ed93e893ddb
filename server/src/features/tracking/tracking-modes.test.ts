import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';
import { createUserSession, type TestSession } from '../../../test/sessions.js';

// When tracking applies (DECISIONS §5): the project's mode, set in project settings, and the per-email
// `tracking` override of /v1/send. Messages are read from the SMTP sink, as a receiving server sees them.

const PUBLIC_URL = 'https://mail.modes.test';
const LINK = 'https://example.org/article';
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let t: TestContext;
let admin: TestSession;
let marketingTemplate: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestContext({ env: { PUBLIC_URL, MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url, RATE_LIMIT_ENABLED: 'false' } });
  await t.startWorker();
  admin = await createUserSession(t, { memberOf: [{ projectId: t.project.id, role: 'ADMIN' }] });
  const template = await t.request('POST', '/templates', {
    body: { name: 'News', subject: 'News', body: `<p>News</p><a href="${LINK}">Read</a>`, from: 'news@example.com', type: 'MARKETING' },
  });
  expect(template.status, template.body).toBe(201);
  marketingTemplate = template.json.id;
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

async function setMode(tracking: string) {
  const res = await t.request('PATCH', `/users/@me/projects/${t.project.id}`, { key: null, headers: admin.headers, body: { tracking } });
  expect(res.status, res.body).toBe(200);
  expect(res.json.tracking).toBe(tracking);
}

let n = 0;
/** Sends one email and returns the HTML the receiving server got. */
async function deliveredHtml(body: Record<string, unknown>): Promise<string> {
  const to = `modes-${++n}@example.com`;
  const res = await t.request('POST', '/v1/send', { body: { to, subscribed: true, ...(body.template ? {} : { subject: 'Hi', body: `<p>Hi</p><a href="${LINK}">Read</a>` }), ...body } });
  expect(res.status, res.body).toBe(200);
  const id = res.json.data.emails[0].email;
  const email = await waitFor(async () => {
    const r = (await t.request('GET', `/emails/${id}`)).json;
    return ['SENT', 'FAILED'].includes(r.status) ? r : null;
  }, 20_000, `email ${id}`);
  expect(email.status, email.reason).toBe('SENT');
  const message = sink.messages.find((m) => m.parsed.messageId === email.messageId)!;
  return (await simpleParser(message.raw)).html as string;
}

const tracked = (html: string) => html.includes(`${PUBLIC_URL}/t/o/`) && html.includes(`${PUBLIC_URL}/t/c/`) && !html.includes(LINK);
const untouched = (html: string) => !html.includes('/t/o/') && !html.includes('/t/c/') && html.includes(`<a href="${LINK}">Read</a>`);

describe('project tracking modes', () => {
  it('ENABLED (the default) tracks every email', async () => {
    expect(tracked(await deliveredHtml({}))).toBe(true);
  });

  it('DISABLED adds no pixel and leaves links untouched', async () => {
    await setMode('DISABLED');
    expect(untouched(await deliveredHtml({}))).toBe(true);
    expect(untouched(await deliveredHtml({ template: marketingTemplate }))).toBe(true);
  });

  it('MARKETING_ONLY tracks marketing mail only', async () => {
    await setMode('MARKETING_ONLY');
    expect(untouched(await deliveredHtml({}))).toBe(true);
    expect(tracked(await deliveredHtml({ template: marketingTemplate }))).toBe(true);
  });
});

describe('the per-email override', () => {
  it('tracking: true wins over DISABLED, tracking: false wins over ENABLED', async () => {
    await setMode('DISABLED');
    expect(tracked(await deliveredHtml({ tracking: true }))).toBe(true);
    await setMode('ENABLED');
    expect(untouched(await deliveredHtml({ tracking: false }))).toBe(true);
    await setMode('MARKETING_ONLY');
    expect(untouched(await deliveredHtml({ template: marketingTemplate, tracking: false }))).toBe(true);
    expect(tracked(await deliveredHtml({ tracking: true }))).toBe(true);
  });

  it('must be a boolean', async () => {
    const res = await t.request('POST', '/v1/send', { body: { to: 'x@example.com', subject: 'S', body: 'B', tracking: 'yes' } });
    expect(res.status).toBe(422);
    expect(res.json.error.errors[0].field).toBe('tracking');
  });
});

describe('long links', () => {
  it('redirect to the full URL', async () => {
    await setMode('ENABLED');
    const long = `https://example.org/p?${'q=1234567890&'.repeat(230)}end=1`;
    const html = await deliveredHtml({ subject: 'Long', body: `<a href="${long.replace(/&/g, '&amp;')}">Long</a>` });
    const click = /href="([^"]*\/t\/c\/[^"]+)"/.exec(html)![1];
    const res = await t.request('GET', click.slice(PUBLIC_URL.length), { key: null, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' } });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(long);
  });
});
