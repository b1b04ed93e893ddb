import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { sessionHeaders } from '../../../test/sessions.js';

const PASSWORD = 'correct horse battery staple';

const setCookies = (res: { headers: Record<string, unknown> }) => ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []);
const cookieNamed = (res: { headers: Record<string, unknown> }, name: string) => setCookies(res).find((c) => c.startsWith(`${name}=`));
const cookieValue = (cookie: string | undefined) => cookie?.split(';')[0].split('=').slice(1).join('=') ?? '';
const attributes = (cookie: string | undefined) => (cookie ?? '').split(';').slice(1).map((a) => a.trim().toLowerCase());

const originOf = (t: TestContext) => ({ origin: new URL(t.deps.config.publicUrl).origin });
const post = (t: TestContext, url: string, body?: unknown, headers: Record<string, string> = originOf(t)) =>
  t.request('POST', url, { key: null, body, headers });
const withoutRequestId = (json: any) => ({ ...json, error: { ...json.error, requestId: undefined } });

describe('login over http', () => {
  let t: TestContext;
  const tokens: string[] = [];
  beforeAll(async () => {
    t = await createTestContext({ env: { LOG_LEVEL: 'debug' } });
    const res = await post(t, '/auth/signup', { email: 'ada@example.com', password: PASSWORD });
    expect(res.status, res.body).toBe(201);
    tokens.push(cookieValue(cookieNamed(res, 'mw_session')));
  });
  afterAll(() => t.close());

  it('sets an HttpOnly, SameSite=Lax session cookie without Secure on an http PUBLIC_URL, and a readable CSRF cookie', async () => {
    const res = await post(t, '/auth/login', { email: 'ADA@example.com ', password: PASSWORD });
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({ success: true, data: { id: expect.any(String), email: 'ada@example.com' } });
    const session = cookieNamed(res, 'mw_session');
    tokens.push(cookieValue(session));
    expect(attributes(session)).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
    expect(attributes(session)).not.toContain('secure');
    const csrf = cookieNamed(res, 'mw_csrf');
    expect(cookieValue(csrf)).toBeTruthy();
    expect(attributes(csrf)).toEqual(expect.arrayContaining(['samesite=lax', 'path=/']));
    expect(attributes(csrf)).not.toContain('httponly');
  });

  it('refuses a login from a foreign origin with 403 CSRF_REJECTED', async () => {
    const res = await post(t, '/auth/login', { email: 'ada@example.com', password: PASSWORD }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('CSRF_REJECTED');
    expect(setCookies(res)).toEqual([]);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const wrong = await post(t, '/auth/login', { email: 'ada@example.com', password: 'not the password' });
    const unknown = await post(t, '/auth/login', { email: 'nobody@example.com', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.error).toMatchObject({ code: 'INVALID_CREDENTIALS', message: 'Incorrect email or password' });
    expect(withoutRequestId(unknown.json)).toEqual(withoutRequestId(wrong.json));
    expect(setCookies(wrong)).toEqual([]);
  });

  it('GET /users/@me answers with the session cookie and 401 without', async () => {
    const token = tokens[1];
    const res = await t.request('GET', '/users/@me', { key: null, headers: sessionHeaders(t, token) });
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({
      id: expect.any(String),
      email: 'ada@example.com',
      isInstanceOwner: true,
      csrfToken: sessionHeaders(t, token)['x-csrf-token'],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const anonymous = await t.request('GET', '/users/@me', { key: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.code).toBe('UNAUTHORIZED');
    const apiKey = await t.request('GET', '/users/@me');
    expect(apiKey.status).toBe(401);
  });

  it('logout needs the CSRF token, then ends the session so the old cookie stops working', async () => {
    const token = tokens[1];
    const headers = sessionHeaders(t, token);
    const forged = await post(t, '/auth/logout', undefined, { cookie: headers.cookie, origin: headers.origin });
    expect(forged.status).toBe(403);
    expect((await t.request('GET', '/users/@me', { key: null, headers })).status).toBe(200);

    const res = await post(t, '/auth/logout', undefined, headers);
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({ success: true });
    expect(attributes(cookieNamed(res, 'mw_session'))).toEqual(expect.arrayContaining(['path=/']));
    expect(cookieValue(cookieNamed(res, 'mw_session'))).toBe('');
    expect((await t.request('GET', '/users/@me', { key: null, headers })).status).toBe(401);
    // The other session (from signup) is untouched.
    expect((await t.request('GET', '/users/@me', { key: null, headers: sessionHeaders(t, tokens[0]) })).status).toBe(200);
  });

  it('logout of a session that is already gone just clears the cookies', async () => {
    const again = await post(t, '/auth/logout', undefined, sessionHeaders(t, tokens[1]));
    expect(again.status).toBe(200);
    expect(cookieNamed(again, 'mw_session')).toBeTruthy();
    const noCookie = await post(t, '/auth/logout');
    expect(noCookie.status).toBe(200);
  });

  it('never puts a password hash, a password or a session token in a response body or a log line', async () => {
    const leaks = (text: string) => ['scrypt$', PASSWORD, 'not the password', ...tokens].filter((s) => text.includes(s)).map((s) => (s.length > 20 ? '<token>' : s));
    expect(t.bodies.length).toBeGreaterThan(10);
    expect(t.logs.length).toBeGreaterThan(10);
    expect(t.bodies.flatMap(leaks)).toEqual([]);
    expect(t.logs.flatMap(leaks)).toEqual([]);
  });
});

describe('login on an https PUBLIC_URL', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ env: { PUBLIC_URL: 'https://mail.example.com' } });
  });
  afterAll(() => t.close());

  it('marks both cookies Secure', async () => {
    const headers = { origin: 'https://mail.example.com' };
    expect((await post(t, '/auth/signup', { email: 'sec@example.com', password: PASSWORD }, headers)).status).toBe(201);
    const res = await post(t, '/auth/login', { email: 'sec@example.com', password: PASSWORD }, headers);
    expect(res.status, res.body).toBe(200);
    expect(attributes(cookieNamed(res, 'mw_session'))).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']));
    expect(attributes(cookieNamed(res, 'mw_csrf'))).toContain('secure');
  });

  it('accepts a same-origin Referer when there is no Origin header, and refuses plain http', async () => {
    const referer = await post(t, '/auth/login', { email: 'sec@example.com', password: PASSWORD }, { referer: 'https://mail.example.com/login' });
    expect(referer.status, referer.body).toBe(200);
    const http = await post(t, '/auth/login', { email: 'sec@example.com', password: PASSWORD }, { origin: 'http://mail.example.com' });
    expect(http.status).toBe(403);
  });
});
