import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { sesEnv, startFakeSes } from '../../../test/fake-ses.js';
import * as fx from '../../../test/sns-fixtures.js';
import { events, snsReceipts } from '../../db/schema/index.js';
import { SNS_WEBHOOK_PATHS } from './sns.routes.js';
import { purgeSnsReceipts } from './sns.service.js';

// SES feedback through SNS, end to end: mail goes out through the fake SES (which returns the
// MessageId SES would), SNS notifications about it are signed with a test certificate that the
// injected fetcher serves, and the effects are read back through the API.

let ses: Awaited<ReturnType<typeof startFakeSes>>;
let t: TestContext;
let key: Awaited<ReturnType<typeof fx.snsSigningKey>>;
let fetched: ReturnType<typeof fx.recordingFetcher>;

beforeAll(async () => {
  key = await fx.snsSigningKey();
  fetched = fx.recordingFetcher(key.certificate);
  ses = await startFakeSes();
  t = await createTestContext({
    env: { MAIL_TRANSPORT: 'ses', ...sesEnv(ses.url), SNS_TOPIC_ARNS: `${fx.TOPIC},arn:aws:sns:us-east-1:123456789012:other` },
    overrides: { snsFetcher: fetched.fetcher },
  });
  await t.startWorker();
});
afterAll(async () => {
  await t?.close();
  await ses?.close();
});
beforeEach(() => {
  fetched.certificateUrls.length = 0;
  fetched.confirmed.length = 0;
});

/** Sends one email through SES and returns its id and the SES MessageId. */
async function sentEmail(to: string) {
  const res = await t.request('POST', '/v1/send', { body: { to, subject: 'Hi', body: '<p>Hi</p>' } });
  const id = res.json.data.emails[0].email as string;
  await waitFor(async () => (await t.request('GET', `/emails/${id}`)).json.status === 'SENT', 15_000, 'email sent');
  const providerId = ses.accepted.find((m) => m.to.includes(to))!.messageId;
  return { id, providerId };
}

const post = (message: unknown, opts: { path?: string; contentType?: string } = {}) =>
  t.request('POST', opts.path ?? '/webhooks/sns', {
    key: null,
    rawBody: typeof message === 'string' ? message : JSON.stringify(message),
    headers: { 'content-type': opts.contentType ?? 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
  });
const statusOf = async (id: string) => (await t.request('GET', `/emails/${id}`)).json.status as string;
const eventCount = async (id: string, name: string) =>
  (await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(events).where(and(eq(events.emailId, id), eq(events.name, name))))[0].n;

describe('SES notifications through SNS', () => {
  it('applies a signed Bounce notification (SignatureVersion 1, sent as text/plain) to the email it names', async () => {
    const { id, providerId } = await sentEmail('sns-bounce@example.com');
    const res = await post(fx.signSns(fx.sesNotification(providerId, fx.permanentBounce('sns-bounce@example.com')), key.privateKey, '1'));
    expect(res.status, res.body).toBe(200);
    expect(res.json).toMatchObject({ success: true, result: 'applied' });
    expect(fetched.certificateUrls).toEqual([fx.CERT_URL]);
    expect(await statusOf(id)).toBe('BOUNCED');
    expect(await eventCount(id, 'email.bounced')).toBe(1);
    // The address is suppressed: the next message to it never reaches SES.
    const before = ses.requestCount();
    const next = await t.request('POST', '/v1/send', { body: { to: 'sns-bounce@example.com', subject: 'Again', body: '<p>x</p>' } });
    const nextId = next.json.data.emails[0].email as string;
    await waitFor(async () => (await statusOf(nextId)) === 'SUPPRESSED', 15_000, 'the next email to be suppressed');
    expect(ses.requestCount()).toBe(before);
  });

  it('applies a replayed notification (same MessageId) once', async () => {
    const { id, providerId } = await sentEmail('sns-replay@example.com');
    const signed = fx.signSns(fx.sesNotification(providerId, fx.complaint('sns-replay@example.com')), key.privateKey, '2');
    const first = await post(signed);
    const again = await post(signed);
    const concurrent = await Promise.all([post(signed), post(signed)]);
    expect(first.json.result).toBe('applied');
    for (const r of [again, ...concurrent]) expect(r.json).toMatchObject({ success: true, result: 'duplicate', duplicate: true });
    expect(await statusOf(id)).toBe('COMPLAINED');
    expect(await eventCount(id, 'email.complained')).toBe(1);
    const receipts = await t.deps.db.select().from(snsReceipts).where(eq(snsReceipts.messageId, signed.MessageId));
    expect(receipts).toHaveLength(1);
  });

  it('accepts application/json and SignatureVersion 2 on every alias path, and marks deliveries', async () => {
    for (const path of SNS_WEBHOOK_PATHS) {
      const to = `sns-delivery-${path.replaceAll('/', '-')}@example.com`;
      const { id, providerId } = await sentEmail(to);
      const res = await post(fx.signSns(fx.sesNotification(providerId, fx.delivery(to)), key.privateKey, '2'), { path, contentType: 'application/json' });
      expect(res.status, `${path}: ${res.body}`).toBe(200);
      expect(await statusOf(id)).toBe('DELIVERED');
    }
  });

  it('refuses a tampered notification with 403 and changes nothing', async () => {
    const { id, providerId } = await sentEmail('sns-tampered@example.com');
    const signed = fx.signSns(fx.sesNotification(providerId, fx.delivery('sns-tampered@example.com')), key.privateKey);
    const tampered = { ...signed, Message: signed.Message.replace('"Delivery"', '"Bounce","bounce":{"bounceType":"Permanent"}') };
    const res = await post(tampered);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('FORBIDDEN');
    expect(await post({ ...signed, Signature: signed.Signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }).then((r) => r.status)).toBe(403);
    expect(await statusOf(id)).toBe('SENT');
    expect(await t.deps.db.select().from(snsReceipts).where(eq(snsReceipts.messageId, signed.MessageId))).toHaveLength(0);
  });

  it('refuses a topic not in SNS_TOPIC_ARNS with 403 before fetching anything', async () => {
    const { id, providerId } = await sentEmail('sns-topic@example.com');
    const other = 'arn:aws:sns:eu-west-1:999999999999:someone-else';
    const res = await post(fx.signSns(fx.sesNotification(providerId, fx.permanentBounce('sns-topic@example.com'), { topic: other }), key.privateKey));
    expect(res.status).toBe(403);
    expect((await post({ Type: 'Notification', Message: '{}' })).status).toBe(403); // no TopicArn at all
    expect(fetched.certificateUrls).toEqual([]);
    expect(await statusOf(id)).toBe('SENT');
  });

  it('refuses a signing certificate outside sns.<region>.amazonaws.com with 403 without fetching it', async () => {
    const { providerId } = await sentEmail('sns-cert@example.com');
    const urls = [
      'https://evil.test/SimpleNotificationService-1.pem',
      'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem',
      'https://sns.eu-west-1.amazonaws.com.evil.test/SimpleNotificationService-1.pem',
      'https://sns.eu-west-1.amazonaws.com:8443/SimpleNotificationService-1.pem',
      'https://user@sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem',
    ];
    for (const url of urls) {
      const res = await post(fx.signSns({ ...fx.sesNotification(providerId, fx.delivery('sns-cert@example.com')), SigningCertURL: url }, key.privateKey));
      expect(res.status, url).toBe(403);
    }
    expect(fetched.certificateUrls).toEqual([]);
  });

  it('confirms a subscription by fetching SubscribeURL only on an AWS SNS host', async () => {
    const confirmation = (subscribeUrl: string) =>
      fx.signSns(
        {
          Type: 'SubscriptionConfirmation',
          MessageId: crypto.randomUUID(),
          Token: 'token-1',
          TopicArn: fx.TOPIC,
          Message: 'You have chosen to subscribe to the topic.',
          SubscribeURL: subscribeUrl,
          Timestamp: new Date().toISOString(),
        },
        key.privateKey,
      );
    const good = 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=token-1';
    const ok = await post(confirmation(good));
    expect(ok.status, ok.body).toBe(200);
    expect(ok.json.result).toBe('confirmed');
    expect(fetched.confirmed).toEqual([good]);
    const bad = await post(confirmation('https://169.254.169.254/latest/meta-data/'));
    expect(bad.status).toBe(400);
    expect(fetched.confirmed).toEqual([good]);
  });

  it('asks SNS to retry a fresh notification for a message not recorded yet, and lets an old one go', async () => {
    const fresh = fx.signSns(fx.sesNotification('0100-not-ours-yet', fx.delivery('x@example.com')), key.privateKey);
    expect((await post(fresh)).status).toBe(503);
    expect((await post(fresh)).status).toBe(503); // not remembered as applied
    const old = fx.signSns(fx.sesNotification('0100-never-ours', fx.delivery('x@example.com'), { sentAt: new Date(Date.now() - 3600_000) }), key.privateKey);
    const res = await post(old);
    expect(res.status).toBe(200);
    expect(res.json.result).toBe('unknown-email');
  });

  it('ignores SES event types it does not act on, and refuses bodies that are not SNS messages', async () => {
    const send = fx.signSns(fx.sesNotification('0100-any', { eventType: 'Send', send: {} }), key.privateKey);
    expect((await post(send)).json).toMatchObject({ success: true, result: 'ignored' });
    expect((await post('not json')).status).toBe(400);
    expect((await post({ TopicArn: fx.TOPIC, Type: 'Notification' })).status).toBe(400);
  });

  it('keeps receipts for a week, then the daily purge drops them', async () => {
    const signed = fx.signSns(fx.sesNotification('0100-purge', fx.delivery('x@example.com'), { sentAt: new Date(Date.now() - 3600_000) }), key.privateKey);
    await post(signed);
    const receipt = () => t.deps.db.select().from(snsReceipts).where(eq(snsReceipts.messageId, signed.MessageId));
    const inDays = (days: number) => ({ now: () => new Date(Date.now() + days * 86_400_000) });
    await purgeSnsReceipts({ db: t.deps.db, clock: inDays(6) });
    expect(await receipt()).toHaveLength(1);
    expect(await purgeSnsReceipts({ db: t.deps.db, clock: inDays(8) })).toBeGreaterThanOrEqual(1);
    expect(await receipt()).toHaveLength(0);
  });

  it('is not part of the API document', async () => {
    const doc = await t.request('GET', '/openapi.json', { key: null });
    expect(Object.keys(doc.json.paths).filter((p) => p.includes('webhooks'))).toEqual([]);
  });
});
