import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { startSmtpSink, type ReceivedMessage } from '../../../test/smtp-sink.js';
import { projects } from '../../db/schema/index.js';

// DECISIONS §4 and issue 5 items 3–4, end to end: /v1/send → worker → SMTP, then the advertised
// one-click URL POSTed the way a mailbox provider does it.

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let t: TestContext;
let marketingTemplate: string;
let transactionalTemplate: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestContext({
    env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url, PUBLIC_URL: 'https://mail.acme.test', MX_HOST: 'mx.acme.test', RATE_LIMIT_ENABLED: 'false' },
  });
  await t.deps.db.update(projects).set({ name: 'Acme News', postalAddress: 'Acme Ltd\n1 Harbour Road\nBristol BS1 4QA' }).where(eq(projects.id, t.project.id));
  await t.startWorker();
  marketingTemplate = await createTemplate('MARKETING');
  transactionalTemplate = await createTemplate('TRANSACTIONAL');
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

async function createTemplate(type: string) {
  const res = await t.request('POST', '/templates', { body: { name: type, subject: `${type} news`, body: '<p>Hello {{ name ?? "there" }}</p>', from: 'news@acme.test', type } });
  expect(res.status, res.body).toBe(201);
  return res.json.id as string;
}

/** A top-level header of the raw message, unfolded, and how many times it occurs. */
function header(raw: string, name: string): { value?: string; count: number } {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
  const lines = head.split(/\r?\n/).filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return { value: lines[0]?.slice(name.length + 1).trim(), count: lines.length };
}

async function sendAndDeliver(body: Record<string, unknown>): Promise<{ emailId: string; contactId: string; message: ReceivedMessage }> {
  const res = await t.request('POST', '/v1/send', { body });
  expect(res.status, res.body).toBe(200);
  const emailId: string = res.json.data.emails[0].email;
  const email = await waitFor(async () => {
    const r = await t.request('GET', `/emails/${emailId}`);
    return ['SENT', 'FAILED', 'SUPPRESSED'].includes(r.json.status) ? r.json : null;
  }, 20_000, `email ${emailId}`);
  expect(email.status, email.reason).toBe('SENT');
  const message = await waitFor(async () => sink.messages.find((m) => m.parsed.messageId === email.messageId), 5_000, 'the message');
  return { emailId, contactId: res.json.data.emails[0].contact.id, message };
}

const httpsUrlOf = (listUnsubscribe: string) => /<(https:[^>]+)>/.exec(listUnsubscribe)![1];
const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
const oneClick = (url: string) =>
  t.request('POST', pathOf(url), { key: null, rawBody: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const contact = async (id: string) => (await t.request('GET', `/contacts/${id}`)).json;
const flipEvents = async (id: string) =>
  (await t.request('GET', `/contacts/${id}/events?limit=100`)).json.events.filter((e: { name: string }) => e.name.startsWith('contact.'));

describe('marketing mail', () => {
  it('carries List-Unsubscribe (HTTPS + mailto), one-click, Precedence: bulk, a text part and the footer', async () => {
    const { emailId, message } = await sendAndDeliver({ to: 'reader@example.com', template: marketingTemplate, subscribed: true });
    const list = header(message.raw, 'List-Unsubscribe');
    expect(list.count).toBe(1);
    expect(list.value).toMatch(/^<https:\/\/mail\.acme\.test\/unsubscribe\/[a-z2-7]{50}\?e=[0-9a-f-]{36}>, <mailto:unsubscribe\+[a-z2-7]{50}@mx\.acme\.test>$/);
    expect(list.value).toContain(`?e=${emailId}>`);
    expect(header(message.raw, 'List-Unsubscribe-Post')).toEqual({ value: 'List-Unsubscribe=One-Click', count: 1 });
    expect(header(message.raw, 'Precedence').value).toBe('bulk');

    const url = httpsUrlOf(list.value!);
    const { html, text } = message.parsed;
    expect(text).toContain('Hello there');
    expect(text).toContain('1 Harbour Road');
    expect(text).toContain(`Unsubscribe: ${url}`);
    expect(html).toContain('Acme Ltd<br>1 Harbour Road<br>Bristol BS1 4QA');
    expect(html).toContain(`href="${url.replace(/&/g, '&amp;')}"`);
    expect(html).toContain('You are receiving this email from Acme News.');
  });

  it('shows a neutral sender line when the project has no postal address yet, inside a whole-document body', async () => {
    const other = await t.newProject('No Address Co');
    const body = '<html><body><p>Hi</p></body></html>';
    const template = (await t.request('POST', '/templates', { key: other.secretKey, body: { name: 'M', subject: 'S', body, from: 'news@acme.test', type: 'MARKETING' } })).json.id;
    const res = await t.request('POST', '/v1/send', { key: other.secretKey, body: { to: 'na@example.com', template, subscribed: true } });
    expect(res.status, res.body).toBe(200);
    const id = res.json.data.emails[0].email;
    const messageId = await waitFor(async () => {
      const r = await t.request('GET', `/emails/${id}`, { key: other.secretKey });
      return r.json.status === 'SENT' ? r.json.messageId : null;
    }, 20_000, 'sent');
    const message = await waitFor(async () => sink.messages.find((m) => m.parsed.messageId === messageId), 5_000, 'message');
    expect(message.parsed.text).toContain('Sent by No Address Co.');
    const html = message.parsed.html as string;
    expect(html).toMatch(/^<html><body><p>Hi<\/p><div [^>]+>.*Sent by No Address Co\..*\/unsubscribe\/.*<\/div>.*<\/body><\/html>$/s);
  });

  it("lets a caller's List-Unsubscribe replace ours (and drops our one-click claim), whatever its case", async () => {
    const own = '<https://lists.example.org/leave?u=1>';
    const { message } = await sendAndDeliver({ to: 'own-list@example.com', template: marketingTemplate, subscribed: true, headers: { 'list-unsubscribe': own } });
    expect(header(message.raw, 'List-Unsubscribe')).toEqual({ value: own, count: 1 });
    expect(header(message.raw, 'List-Unsubscribe-Post').count).toBe(0);
    expect(header(message.raw, 'Precedence').value).toBe('bulk');
    // The footer still links to our page: it works whatever the caller's header says.
    expect(message.parsed.text).toMatch(/Unsubscribe: https:\/\/mail\.acme\.test\/unsubscribe\//);
  });
});

describe('transactional mail', () => {
  it('has no List-Unsubscribe, Precedence or footer, and still a text part', async () => {
    for (const body of [
      { to: 'receipt@example.com', template: transactionalTemplate },
      { to: 'receipt@example.com', subject: 'Your receipt', body: '<p>Hello there</p>' },
    ]) {
      const { message } = await sendAndDeliver(body);
      for (const name of ['List-Unsubscribe', 'List-Unsubscribe-Post', 'Precedence']) expect(header(message.raw, name).count, name).toBe(0);
      expect(message.parsed.text).toContain('Hello there');
      expect(message.parsed.text).not.toContain('Harbour Road');
      expect(message.parsed.html).not.toContain('/unsubscribe/');
    }
  });
});

describe('forbidden caller headers', () => {
  it('are refused with 422 and the header named in the field path, case-insensitively', async () => {
    const names = ['DKIM-Signature', 'return-path', 'RECEIVED', 'Bcc', 'Content-Type', 'Content-Transfer-Encoding', 'MIME-Version', 'Message-ID', 'From', 'to'];
    for (const name of names) {
      const res = await t.request('POST', '/v1/send', { body: { to: 'x@example.com', subject: 'S', body: 'B', headers: { 'X-Fine': 'yes', [name]: 'v' } } });
      expect(res.status, name).toBe(422);
      expect(res.json.error.errors, name).toEqual([expect.objectContaining({ field: `headers.${name}`, message: expect.stringContaining('cannot be overridden') })]);
    }
  });
});

describe('the advertised one-click URL', () => {
  it('unsubscribes on POST (once, attributed to the email), changes nothing on GET, and ignores an altered token', async () => {
    const { emailId, contactId, message } = await sendAndDeliver({ to: 'one-click@example.com', template: marketingTemplate, subscribed: true });
    const url = httpsUrlOf(header(message.raw, 'List-Unsubscribe').value!);

    const get = await t.request('GET', pathOf(url), { key: null });
    expect(get.status).toBe(200);
    expect(get.headers['content-type']).toMatch(/^text\/html/);
    expect((await contact(contactId)).subscribed).toBe(true);

    const token = new URL(url).pathname.split('/').pop()!;
    const flipped = token.slice(0, 20) + (token[20] === 'a' ? 'b' : 'a') + token.slice(21);
    const tampered = await oneClick(url.replace(token, flipped));
    expect(tampered.status).toBe(200);
    expect(tampered.body).toContain('nothing was changed');
    expect((await contact(contactId)).subscribed).toBe(true);

    for (let i = 0; i < 2; i++) {
      const res = await oneClick(url);
      expect(res.status).toBe(200);
      expect((await contact(contactId)).subscribed).toBe(false);
    }
    await expect(flipEvents(contactId)).resolves.toEqual([expect.objectContaining({ name: 'contact.unsubscribed', emailId })]);
    const activity = await t.request('GET', '/activity?type=contact.unsubscribed');
    expect(activity.json.data.filter((a: { metadata: { contactId?: string } }) => a.metadata?.contactId === contactId)).toHaveLength(1);
  });
});
