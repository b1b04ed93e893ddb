import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../test/context.js';
import { sesEnv, startFakeSes } from '../../test/fake-ses.js';
import { startSmtpSink } from '../../test/smtp-sink.js';

// MAIL_TRANSPORT=ses,smtp through the real worker: SES (an in-process fake of its HTTP API) is
// preferred, the SMTP sink takes over when SES keeps failing, and SES is probed again after the
// cool-down. The clock is shifted instead of waiting the 60 s default.

let ses: Awaited<ReturnType<typeof startFakeSes>>;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let t: TestContext;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

beforeAll(async () => {
  ses = await startFakeSes();
  sink = await startSmtpSink();
  t = await createTestContext({ env: { MAIL_TRANSPORT: 'ses,smtp', SMTP_URL: sink.url, ...sesEnv(ses.url), TRANSPORT_FAILOVER_AFTER: '3' }, clock });
  await t.startWorker();
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
  await ses?.close();
});

const send = async (...to: string[]) => {
  const res = await t.request('POST', '/v1/send', { body: { to, subject: 'Failover', body: '<p>Hello</p>' } });
  expect(res.status).toBe(200);
  return (res.json.data.emails as { email: string }[]).map((e) => e.email);
};
const sent = (id: string) =>
  waitFor(async () => {
    const res = await t.request('GET', `/emails/${id}`);
    if (res.json.status === 'FAILED') throw new Error(`email ${id} failed: ${res.json.reason}`);
    return res.json.status === 'SENT' ? res.json : null;
  }, 20_000, `email ${id} to be sent`);
const viaSmtp = (address: string) => sink.messages.filter((m) => m.envelopeTo.includes(address)).length;
const viaSes = (address: string) => ses.accepted.filter((m) => m.to.includes(address)).length;

describe('MAIL_TRANSPORT=ses,smtp', () => {
  it('delivers through SES while it works', async () => {
    const [id] = await send('first@example.com');
    expect((await sent(id)).reason).toMatch(/^Accepted by ses: SES MessageId /);
    expect(viaSes('first@example.com')).toBe(1);
    expect(viaSmtp('first@example.com')).toBe(0);
  });

  it('moves to SMTP after 3 consecutive SES failures, and later messages go there without touching SES', async () => {
    ses.failNext(1000, { status: 503, errorType: 'ServiceUnavailable', message: 'SES is down' });
    const before = ses.requestCount();
    const ids = await send('down1@example.com', 'down2@example.com', 'down3@example.com');
    const emails = await Promise.all(ids.map(sent));
    for (const e of emails) expect(e.reason).toMatch(/^Accepted by smtp: 250/);
    for (const n of [1, 2, 3]) expect(viaSmtp(`down${n}@example.com`)).toBe(1);
    expect(ses.requestCount() - before).toBe(3);

    const later = await send('later@example.com');
    expect((await sent(later[0])).reason).toMatch(/^Accepted by smtp/);
    expect(ses.requestCount() - before).toBe(3);
    expect(t.logs.some((l) => l.includes('switching to the next'))).toBe(true);
  });

  it('probes SES after the cool-down: still down, the message goes through SMTP and SES rests again', async () => {
    offsetMs += 61_000;
    const before = ses.requestCount();
    const [id] = await send('probe-down@example.com');
    expect((await sent(id)).reason).toMatch(/^Accepted by smtp/);
    expect(ses.requestCount() - before).toBe(1);
    const [next] = await send('resting@example.com');
    await sent(next);
    expect(ses.requestCount() - before).toBe(1);
  });

  it('returns to SES once a probe after the cool-down succeeds', async () => {
    ses.clearFailures();
    offsetMs += 61_000;
    const [id] = await send('recovered@example.com');
    expect((await sent(id)).reason).toMatch(/^Accepted by ses/);
    expect(viaSes('recovered@example.com')).toBe(1);
    const [next] = await send('after-recovery@example.com');
    expect((await sent(next)).reason).toMatch(/^Accepted by ses/);
    expect(viaSmtp('recovered@example.com') + viaSmtp('after-recovery@example.com')).toBe(0);
  });
});
