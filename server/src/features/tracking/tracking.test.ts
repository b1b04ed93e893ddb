import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';

// Open pixel and click redirect end to end: send through the API, take the message from the Dev
// Inbox, follow its pixel and links like a mail client would, read the result back through the API.

const PUBLIC_URL = 'https://mail.track.test';
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const APPLE_PROXY = 'Mozilla/5.0';
const SALE = 'https://shop.example.org/sale?utm=1&x=2#top';

// Hits land "a minute after handoff" unless a test wants prefetch timing.
const clock = { offsetMs: 60_000, now: () => new Date(Date.now() + clock.offsetMs) };
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ env: { PUBLIC_URL }, clock });
  await t.startWorker();
});
afterAll(() => t.close());
beforeEach(() => {
  clock.offsetMs = 60_000;
});

const BODY = [
  '<html><body><p>Hello {{ name ?? "there" }}</p>',
  `<a class="cta" href="https://shop.example.org/sale?utm=1&amp;x=2#top">Sale</a>`,
  `<a href='mailto:help@example.org'>Mail us</a> <a href="tel:+123">Call</a> <a href="#section">Jump</a>`,
  '<a href="{{ unsubscribeUrl }}">Unsubscribe</a> <a href="{{ manageUrl }}">Manage</a>',
  '</body></html>',
].join('\n');

async function sendTracked(to = 'reader@example.com') {
  const res = await t.request('POST', '/v1/send', { body: { to, subject: 'Sale', body: BODY } });
  expect(res.status, res.body).toBe(200);
  const emailId: string = res.json.data.emails[0].email;
  const listed = await waitFor(async () => (await t.request('GET', '/inbox')).json.data.find((m: { emailId: string }) => m.emailId === emailId), 20_000, 'inbox');
  await waitFor(async () => (await t.request('GET', `/emails/${emailId}`)).json.status === 'SENT', 20_000, 'SENT');
  const parsed = await simpleParser((await t.request('GET', `/inbox/${listed.id}`)).json.raw);
  const html = parsed.html as string;
  const pixel = /<img src="([^"]+)" width="1" height="1" alt="" style="display:none">/.exec(html)?.[1];
  const clickLinks = [...html.matchAll(/href="([^"]*\/t\/c\/[^"]+)"/g)].map((m) => m[1]);
  return { emailId, html, text: parsed.text as string, pixel: pixel!, click: clickLinks[0], clickLinks };
}

const path = (url: string) => url.slice(PUBLIC_URL.length);
const get = (url: string, ua: string | null = BROWSER, method = 'GET') => t.request(method, path(url), { key: null, headers: ua ? { 'user-agent': ua } : {} });
const stats = async (id: string) => {
  const e = (await t.request('GET', `/emails/${id}`)).json;
  return { opens: e.opens, humanOpens: e.humanOpens, clicks: e.clicks, humanClicks: e.humanClicks, openedAt: e.openedAt, clickedAt: e.clickedAt };
};
const eventsOf = async (name: string, emailId: string) =>
  (await t.request('GET', `/events?eventName=${name}&limit=1000`)).json.events.filter((e: { emailId: string }) => e.emailId === emailId);

describe('the delivered message', () => {
  it('has one pixel before </body>, signed http(s) links, and untouched mailto, tel, anchors and hosted-page links', async () => {
    const m = await sendTracked();
    expect(m.pixel).toMatch(new RegExp(`^${PUBLIC_URL}/t/o/[A-Za-z0-9_-]{20,}\\.gif$`));
    expect(m.html.match(/\/t\/o\//g)).toHaveLength(1);
    expect(m.html.indexOf('/t/o/')).toBeLessThan(m.html.indexOf('</body>'));
    expect(m.clickLinks).toHaveLength(1);
    expect(m.html).toContain('<a class="cta" href="https://mail.track.test/t/c/');
    expect(m.html).not.toContain('shop.example.org');
    expect(m.html).toContain(`<a href='mailto:help@example.org'>`);
    expect(m.html).toContain('<a href="tel:+123">');
    expect(m.html).toContain('<a href="#section">');
    expect(m.html).toMatch(/href="https:\/\/mail\.track\.test\/unsubscribe\/[^"]+">Unsubscribe/);
    expect(m.html).toMatch(/href="https:\/\/mail\.track\.test\/manage\/[^"]+">Manage/);
    // The text part is made from the original HTML.
    expect(m.text).toContain(SALE);
    expect(m.text).not.toContain('/t/');
  });
});

describe('GET /t/o/<token>.gif', () => {
  it('answers the 43-byte transparent GIF, uncached, and counts a person\'s open once as the first', async () => {
    const m = await sendTracked('opener@example.com');
    expect(await stats(m.emailId)).toEqual({ opens: 0, humanOpens: 0, clicks: 0, humanClicks: 0, openedAt: null, clickedAt: null });
    const res = await get(m.pixel);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.headers['cache-control']).toMatch(/no-store/);
    expect(res.headers['cache-control']).toMatch(/no-cache/);
    const bytes = Buffer.from(res.body, 'latin1');
    expect(bytes).toHaveLength(43);
    expect(bytes.subarray(0, 6).toString()).toBe('GIF89a');

    const first = await stats(m.emailId);
    expect(first).toMatchObject({ opens: 1, humanOpens: 1, openedAt: expect.any(String) });
    await get(m.pixel);
    expect(await stats(m.emailId)).toMatchObject({ opens: 2, humanOpens: 2, openedAt: first.openedAt });

    const events = await eventsOf('email.opened', m.emailId);
    expect(events.map((e: { data: { isFirstOpen: boolean } }) => e.data.isFirstOpen).sort()).toEqual([false, true]);
    expect(events[0].data).toMatchObject({ emailId: m.emailId, messageId: expect.stringMatching(/^</), machine: false, reason: null });
  });

  it('counts an Apple privacy-proxy fetch as a machine open: total only, no first-open time', async () => {
    const m = await sendTracked('apple@example.com');
    expect((await get(m.pixel, APPLE_PROXY)).status).toBe(200);
    expect(await stats(m.emailId)).toMatchObject({ opens: 1, humanOpens: 0, openedAt: null });
    const [event] = await eventsOf('email.opened', m.emailId);
    expect(event.data).toMatchObject({ machine: true, reason: 'privacy-proxy', isFirstOpen: false });
  });

  it('counts a fetch within seconds of handoff as prefetch', async () => {
    clock.offsetMs = 0;
    const m = await sendTracked('prefetch@example.com');
    await get(m.pixel);
    expect(await stats(m.emailId)).toMatchObject({ opens: 1, humanOpens: 0, openedAt: null });
    expect((await eventsOf('email.opened', m.emailId))[0].data.reason).toBe('prefetch');
  });

  it('still serves the GIF for a tampered or foreign token, and counts nothing', async () => {
    const m = await sendTracked('tamper-open@example.com');
    const bad = m.pixel.replace(/\.gif$/, '').slice(0, -1) + (m.pixel.at(-5) === 'A' ? 'B' : 'A') + '.gif';
    for (const url of [bad, `${PUBLIC_URL}/t/o/nothing.gif`, `${PUBLIC_URL}/t/o/${path(m.click).split('/').pop()}.gif`]) {
      const res = await get(url);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/gif');
    }
    expect(await stats(m.emailId)).toMatchObject({ opens: 0, humanOpens: 0 });
  });
});

describe('the tracking routes', () => {
  it('are the only wildcard routes of the app (test/tenant-fixtures.ts exempts "/*" for them)', () => {
    const tree = t.app.printRoutes();
    expect(tree.match(/── \* \(/g)).toHaveLength(2);
    expect(t.app.hasRoute({ method: 'GET', url: '/t/o/*' })).toBe(true);
    expect(t.app.hasRoute({ method: 'GET', url: '/t/c/*' })).toBe(true);
  });
});

describe('GET /t/c/<token>', () => {
  it('redirects a person with 302 to exactly the original URL and records the click', async () => {
    const m = await sendTracked('clicker@example.com');
    await get(m.pixel);
    const res = await get(m.click);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(SALE);
    expect(await stats(m.emailId)).toMatchObject({ clicks: 1, humanClicks: 1, clickedAt: expect.any(String) });
    const [event] = await eventsOf('email.clicked', m.emailId);
    expect(event.data).toMatchObject({ emailId: m.emailId, link: SALE, machine: false, reason: null, isFirstClick: true });
    // The signed links (which may carry a customer's secret URL) never reach the logs.
    const logs = t.logs.join('\n');
    for (const url of [m.click, m.pixel]) expect(logs).not.toContain(url.split('/').pop()!.slice(0, 30));
  });

  it('answers 404 without a Location for a link with any single altered, added or removed character', async () => {
    const m = await sendTracked('tamper-click@example.com');
    const token = path(m.click).slice('/t/c/'.length);
    const swap = (c: string) => (c === 'A' ? 'B' : 'A');
    const positions = [0, 1, 10, 21, 22, Math.floor(token.length / 2), token.length - 22, token.length - 2, token.length - 1];
    const variants = positions.map((i) => token.slice(0, i) + swap(token[i]) + token.slice(i + 1));
    variants.push(token + 'A', token.slice(0, -1), `%${token.charCodeAt(0).toString(16)}${token.slice(1)}`, '', 'x.y');
    for (const v of variants) {
      const res = await t.request('GET', `/t/c/${v}`, { key: null, headers: { 'user-agent': BROWSER } });
      expect(res.status, v).toBe(404);
      expect(res.headers.location, v).toBeUndefined();
    }
    expect(await stats(m.emailId)).toMatchObject({ clicks: 0, humanClicks: 0 });
  });

  it('never redirects to a URL passed alongside the token, and refuses an open token as a link', async () => {
    const m = await sendTracked('scan@example.com');
    const res = await get(`${m.click}?url=https://evil.example/`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(SALE);
    expect((await get(`${PUBLIC_URL}/t/c/?url=https://evil.example/`)).headers.location).toBeUndefined();
    const openToken = m.pixel.split('/').pop()!.replace(/\.gif$/, '');
    const asLink = await get(`${PUBLIC_URL}/t/c/${openToken}`);
    expect(asLink.status).toBe(404);
    expect(asLink.headers.location).toBeUndefined();
  });

  it('counts scanners as machine clicks (HEAD probes, scanner agents, clicks before any open right after delivery)', async () => {
    const m = await sendTracked('scanned@example.com');
    expect((await get(m.click, BROWSER, 'HEAD')).status).toBe(302);
    expect((await get(m.click, 'Mozilla/5.0 (compatible; Microsoft SafeLinks)')).status).toBe(302);
    clock.offsetMs = 8_000;
    expect((await get(m.click)).status).toBe(302);
    expect(await stats(m.emailId)).toMatchObject({ clicks: 3, humanClicks: 0, clickedAt: null });
    const reasons = (await eventsOf('email.clicked', m.emailId)).map((e: { data: { reason: string } }) => e.data.reason).sort();
    expect(reasons).toEqual(['click-before-open', 'head-request', 'link-scanner']);
  });
});
