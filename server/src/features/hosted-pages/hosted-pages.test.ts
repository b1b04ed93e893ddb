import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { contactToken } from '../../core/contact-token.js';
import { unsubscribeByToken } from './unsubscribe.service.js';

// The hosted pages as a recipient's browser (plain HTML forms, no JavaScript) and a mail client's
// one-click POST see them. Tokens come from the same signer the mail links use.

let t: TestContext;
let now = new Date('2030-01-15T12:00:00Z');

beforeAll(async () => {
  t = await createTestContext({ env: { PUBLIC_URL: 'https://mail.acme.test' }, clock: { now: () => now } });
});
afterAll(() => t?.close());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function newContact(email: string, subscribed = true) {
  const res = await t.request('POST', '/contacts', { body: { email, subscribed } });
  expect(res.status, res.body).toBeLessThan(300);
  return { id: res.json.id as string, token: contactToken(t.deps.masterKey, res.json.id) };
}

const page = (method: string, url: string, form?: string, headers: Record<string, string> = FORM) =>
  t.request(method, url, { key: null, ...(form === undefined ? {} : { rawBody: form, headers }) });
const contact = async (id: string) => (await t.request('GET', `/contacts/${id}`)).json;
const flipEvents = async (id: string) =>
  (await t.request('GET', `/contacts/${id}/events?limit=100`)).json.events.filter((e: { name: string }) => e.name.startsWith('contact.')).map((e: { name: string; emailId: string | null }) => ({ name: e.name, emailId: e.emailId }));

/** Every form on a page: where it posts and its hidden action value. */
const formsOf = (html: string) =>
  [...html.matchAll(/<form method="post"(?: action="([^"]*)")?>(?:<input type="hidden" name="action" value="([^"]*)">)?/g)].map((m) => ({ action: m[1] ?? '', field: m[2] }));

describe('every hosted page', () => {
  it('is a complete HTML document with lang and title, no script, and a CSP that allows nothing external', async () => {
    const { token } = await newContact('pages@example.com');
    for (const path of ['unsubscribe', 'subscribe', 'manage']) {
      const res = await page('GET', `/${path}/${token}`);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toMatch(/^<!doctype html><html lang="en">/);
      expect(res.body).toMatch(/<title>[^<]+ · Test project<\/title>/);
      expect(res.body).not.toMatch(/<script|javascript:|https?:\/\//i);
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toMatch(/unsafe-inline|https?:|\*/);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('answers an unknown, truncated or altered token with 200 and a neutral page', async () => {
    const { id, token } = await newContact('tamper@example.com');
    const altered = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    for (const bad of [altered, token.slice(0, -2), 'x', id, 'A'.repeat(90)]) {
      for (const [method, path] of [['GET', 'unsubscribe'], ['POST', 'unsubscribe'], ['POST', 'subscribe'], ['POST', 'manage']]) {
        const res = await page(method, `/${path}/${encodeURIComponent(bad)}`, method === 'POST' ? 'action=unsubscribe' : undefined);
        expect(res.status, `${method} ${path} ${bad}`).toBe(200);
        expect(res.body).toContain('<title>Link not recognised</title>');
        expect(res.body).not.toContain('tamper');
      }
    }
    expect((await contact(id)).subscribed).toBe(true);
    expect(await flipEvents(id)).toEqual([]);
  });

  it('keeps the token out of the server log', async () => {
    const { token } = await newContact('logs@example.com');
    await page('GET', `/manage/${token}`);
    await page('POST', `/unsubscribe/${token}`, 'List-Unsubscribe=One-Click');
    expect(t.logs.join('\n')).not.toContain(token);
    expect(t.logs.join('\n')).toContain('/unsubscribe/:token');
  });
});

describe('unsubscribe', () => {
  it('asks first on GET and unsubscribes only on the form POST', async () => {
    const { id, token } = await newContact('confirm@example.com');
    const get = await page('GET', `/unsubscribe/${token}`);
    expect(get.body).toContain('Stop receiving marketing email from Test project at co***@example.com?');
    expect(formsOf(get.body)).toEqual([{ action: '', field: undefined }]);
    expect((await contact(id)).subscribed).toBe(true);

    const post = await page('POST', `/unsubscribe/${token}`, '');
    expect(post.status).toBe(200);
    expect(post.body).toContain('You are unsubscribed');
    expect((await contact(id)).subscribed).toBe(false);
    // …and offers the way back, to the subscribe page of the same contact.
    expect(formsOf(post.body)).toEqual([{ action: `../subscribe/${token}`, field: undefined }]);
  });

  it('accepts any one-click body (form, multipart, JSON, none) and is never refused for it', async () => {
    const bodies: [string | undefined, Record<string, string>][] = [
      ['List-Unsubscribe=One-Click', FORM],
      ['--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n', { 'content-type': 'multipart/form-data; boundary=b' }],
      ['{"List-Unsubscribe":"One-Click"}', { 'content-type': 'application/json' }],
      ['garbage', { 'content-type': 'application/octet-stream' }],
      [undefined, {}],
    ];
    for (const [body, headers] of bodies) {
      const { id, token } = await newContact(`body-${Object.values(headers)[0]?.split(/[/;]/)[1] ?? 'none'}@example.com`);
      const res = await t.request('POST', `/unsubscribe/${token}`, { key: null, ...(body === undefined ? {} : { rawBody: body, headers }) });
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect((await contact(id)).subscribed, JSON.stringify(headers)).toBe(false);
    }
  });

  it("attributes the event to ?e= only when that email went to this contact", async () => {
    const sent = await t.request('POST', '/v1/send', { body: { to: 'someone-else@example.com', subject: 'S', body: 'B' } });
    const foreignEmail = sent.json.data.emails[0].email;
    const { id, token } = await newContact('attributed@example.com');
    await page('POST', `/unsubscribe/${token}?e=${foreignEmail}`, 'List-Unsubscribe=One-Click');
    expect(await flipEvents(id)).toEqual([{ name: 'contact.unsubscribed', emailId: null }]);
  });

  it('is what a mailto: unsubscribe does too (unsubscribeByToken), once', async () => {
    const { id, token } = await newContact('mailto@example.com');
    expect(await unsubscribeByToken(t.deps.db, t.deps.masterKey, token.toUpperCase(), 'mailto')).toBe('unsubscribed');
    expect(await unsubscribeByToken(t.deps.db, t.deps.masterKey, token, 'mailto')).toBe('already');
    expect(await unsubscribeByToken(t.deps.db, t.deps.masterKey, token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')), 'mailto')).toBe('invalid');
    expect(await flipEvents(id)).toEqual([{ name: 'contact.unsubscribed', emailId: null }]);
    const activity = await t.request('GET', '/activity?type=contact.unsubscribed&actorId=mailto');
    expect(activity.json.data.map((a: { metadata: { contactId: string } }) => a.metadata.contactId)).toEqual([id]);
  });

  it('is never rate limited, and concurrent POSTs write one event', async () => {
    const { id, token } = await newContact('many@example.com');
    const answers = await Promise.all(Array.from({ length: 60 }, () => page('POST', `/unsubscribe/${token}`, 'List-Unsubscribe=One-Click')));
    expect(answers.map((a) => a.status)).toEqual(Array(60).fill(200));
    expect(await flipEvents(id)).toEqual([{ name: 'contact.unsubscribed', emailId: null }]);
  });
});

describe('subscribe', () => {
  it('re-subscribes from a plain form post, with one contact.subscribed event', async () => {
    const { id, token } = await newContact('back@example.com', false);
    const get = await page('GET', `/subscribe/${token}`);
    expect(get.body).toContain('Receive marketing email from Test project at ba***@example.com again?');
    expect((await contact(id)).subscribed).toBe(false);
    for (let i = 0; i < 2; i++) expect((await page('POST', `/subscribe/${token}`, '')).body).toContain('You are subscribed');
    expect((await contact(id)).subscribed).toBe(true);
    expect(await flipEvents(id)).toEqual([{ name: 'contact.subscribed', emailId: null }]);
  });
});

describe('manage', () => {
  it('shows the state and offers unsubscribe and three snooze periods as form buttons', async () => {
    const { token } = await newContact('manage@example.com');
    const res = await page('GET', `/manage/${token}?e=whatever`);
    expect(res.body).toContain('ma***@example.com is subscribed to marketing email from Test project.');
    expect(formsOf(res.body).map((f) => f.field)).toEqual(['unsubscribe', 'snooze-week', 'snooze-month', 'snooze-3-months']);
    expect(formsOf(res.body).every((f) => f.action === '')).toBe(true);
  });

  it('snoozes until a date, resumes, unsubscribes and subscribes again through POSTed actions', async () => {
    const { id, token } = await newContact('snooze@example.com');
    const snoozed = await page('POST', `/manage/${token}`, 'action=snooze-month');
    expect(snoozed.body).toContain('Marketing email to sn***@example.com is paused until February 15, 2030.');
    expect(await contact(id)).toMatchObject({ subscribed: true });
    expect(formsOf(snoozed.body).map((f) => f.field)).toEqual(['subscribe', 'unsubscribe', 'snooze-week', 'snooze-month', 'snooze-3-months']);

    await page('POST', `/manage/${token}`, 'action=snooze-3-months');
    const activity = await t.request('GET', '/activity?type=contact.snoozed');
    expect(activity.json.data.map((a: { metadata: { until: string } }) => a.metadata.until)).toEqual(['2030-04-15T12:00:00.000Z', '2030-02-15T12:00:00.000Z']);

    const resumed = await page('POST', `/manage/${token}`, 'action=subscribe');
    expect(resumed.body).toContain('is subscribed to marketing email');
    const off = await page('POST', `/manage/${token}`, 'action=unsubscribe');
    expect(off.body).toContain('sn***@example.com is unsubscribed from marketing email from Test project.');
    expect(formsOf(off.body).map((f) => f.field)).toEqual(['subscribe']);
    // Snoozing an unsubscribed contact changes nothing; an unknown action just shows the page.
    await page('POST', `/manage/${token}`, 'action=snooze-week');
    expect((await page('POST', `/manage/${token}`, 'action=explode')).status).toBe(200);
    await page('POST', `/manage/${token}`, 'action=subscribe');
    expect(await contact(id)).toMatchObject({ subscribed: true });
    expect(await flipEvents(id)).toEqual([
      { name: 'contact.subscribed', emailId: null },
      { name: 'contact.unsubscribed', emailId: null },
    ]);
  });

  it('treats a snooze that has ended as no snooze', async () => {
    const { token } = await newContact('ended@example.com');
    await page('POST', `/manage/${token}`, 'action=snooze-week');
    const saved = now;
    now = new Date(now.getTime() + 8 * 86_400_000);
    try {
      expect((await page('GET', `/manage/${token}`)).body).toContain('is subscribed to marketing email');
    } finally {
      now = saved;
    }
  });
});
