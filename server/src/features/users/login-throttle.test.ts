import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';

const PASSWORD = 'correct horse battery staple';
const WINDOW = 900;

// Time only moves when a test says so; every test starts in a fresh window.
let offsetMs = 0;
const clock = { now: () => new Date(Date.UTC(2030, 0, 1) + offsetMs) };
const advance = (seconds: number) => {
  offsetMs += seconds * 1000;
};

let t: TestContext;
const origin = () => ({ origin: new URL(t.deps.config.publicUrl).origin });
const login = (email: string, password: string) => t.request('POST', '/auth/login', { key: null, body: { email, password }, headers: origin() });
const failTimes = async (email: string, n: number) => {
  for (let i = 0; i < n; i++) expect((await login(email, 'wrong password')).status).toBe(401);
};

beforeAll(async () => {
  t = await createTestContext({ clock, env: { LOGIN_RATE_LIMIT_PER_EMAIL: '5', LOGIN_RATE_LIMIT_PER_IP: '20', LOGIN_RATE_LIMIT_WINDOW: String(WINDOW) } });
  for (const email of ['ada@example.com', 'bob@example.com']) {
    const res = await t.request('POST', '/auth/signup', { key: null, body: { email, password: PASSWORD }, headers: origin() });
    expect(res.status, res.body).toBe(201);
  }
});
afterAll(() => t.close());
beforeEach(() => advance(WINDOW + 1));

describe('login throttling', () => {
  it('refuses the sixth attempt within the window with 429 and Retry-After, even with the right password', async () => {
    await failTimes('ada@example.com', 5);
    advance(100);
    const refused = await login('ada@example.com', PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe(String(WINDOW - 100));
    expect(refused.json.error).toMatchObject({
      code: 'RATE_LIMIT_EXCEEDED',
      message: `Too many login attempts. Try again in ${WINDOW - 100} seconds.`,
      details: { retryAfter: WINDOW - 100 },
    });
    expect(refused.headers['set-cookie']).toBeUndefined();
  });

  it('does not extend the window with further attempts, and lets the user in once it has passed', async () => {
    await failTimes('ada@example.com', 5);
    advance(600);
    expect((await login('ada@example.com', PASSWORD)).headers['retry-after']).toBe('300');
    advance(299);
    expect((await login('ada@example.com', PASSWORD)).headers['retry-after']).toBe('1');
    advance(1);
    const ok = await login('ada@example.com', PASSWORD);
    expect(ok.status, ok.body).toBe(200);
  });

  it('throttles unknown emails the same way, so the answer does not reveal which accounts exist', async () => {
    await failTimes('ghost@example.com', 5);
    const refused = await login('ghost@example.com', 'wrong password');
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toBe(`Too many login attempts. Try again in ${WINDOW} seconds.`);
  });

  it('lets exactly the limit of 10 concurrent wrong-password attempts be checked; the rest get 429', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => login('bob@example.com', 'wrong password')));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  });

  it('forgets the failures of an email after a successful login', async () => {
    await failTimes('ada@example.com', 4);
    expect((await login('ada@example.com', PASSWORD)).status).toBe(200);
    await failTimes('ada@example.com', 5);
    expect((await login('ada@example.com', 'wrong password')).status).toBe(429);
  });

  it('limits attempts per IP across emails too', async () => {
    for (let i = 0; i < 20; i++) expect((await login(`spray${i}@example.com`, 'wrong password')).status).toBe(401);
    const refused = await login('fresh@example.com', 'wrong password');
    expect(refused.status).toBe(429);
    // A refusal for the IP does not count against the account itself.
    advance(WINDOW + 1);
    await failTimes('fresh@example.com', 5);
  });

  it('does not count a successful login against the IP', async () => {
    for (let i = 0; i < 25; i++) expect((await login('bob@example.com', PASSWORD)).status).toBe(200);
  });
});
