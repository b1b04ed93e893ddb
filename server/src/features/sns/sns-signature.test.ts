import { describe, expect, it } from 'vitest';
import * as fx from '../../../test/sns-fixtures.js';
import { AppError } from '../../core/errors.js';
import { createSnsFetcher } from './sns-fetcher.js';
import { isAwsSnsUrl, snsEnvelope, verifySnsSignature } from './sns-signature.js';
import { receiveSnsMessage, type SnsDeps } from './sns.service.js';

const key = await fx.snsSigningKey();
const envelope = (m: fx.SnsMessage) => snsEnvelope.parse(m);

describe('SNS signature verification', () => {
  it('verifies both signature versions, with and without a Subject', () => {
    const n = fx.sesNotification('0100-a', fx.delivery('a@example.com'));
    for (const v of ['1', '2'] as const) {
      expect(verifySnsSignature(envelope(fx.signSns(n, key.privateKey, v)), key.certificate)).toBe(true);
      expect(verifySnsSignature(envelope(fx.signSns({ ...n, Subject: 'Amazon SES Email Event Notification' }, key.privateKey, v)), key.certificate)).toBe(true);
    }
  });

  it('rejects any changed signed field, a wrong version, another key, or a certificate that is not one', async () => {
    const signed = fx.signSns({ ...fx.sesNotification('0100-a', fx.delivery('a@example.com')), Subject: 's' }, key.privateKey, '2');
    for (const field of ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn']) {
      expect(verifySnsSignature(envelope({ ...signed, [field]: `${signed[field]}x` }), key.certificate), field).toBe(false);
    }
    expect(verifySnsSignature(envelope({ ...signed, SignatureVersion: '1' }), key.certificate)).toBe(false);
    expect(verifySnsSignature(envelope({ ...signed, SignatureVersion: '3' }), key.certificate)).toBe(false);
    expect(verifySnsSignature(envelope({ ...signed, Type: 'Whatever' }), key.certificate)).toBe(false);
    const other = await fx.snsSigningKey();
    expect(verifySnsSignature(envelope(signed), other.certificate)).toBe(false);
    expect(verifySnsSignature(envelope(signed), '<html>not a certificate</html>')).toBe(false);
  });

  it('accepts certificate and subscribe URLs only over https on sns.<region>.amazonaws.com', () => {
    expect(isAwsSnsUrl('https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem')).toBe(true);
    expect(isAwsSnsUrl('https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem')).toBe(true);
    for (const bad of [
      'https://sns.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com.attacker.test/x.pem',
      'https://attacker.test/sns.us-east-1.amazonaws.com/x.pem',
      'https://xsns.us-east-1.amazonaws.com/x.pem',
      'ftp://sns.us-east-1.amazonaws.com/x.pem',
      'not a url',
      undefined,
    ]) {
      expect(isAwsSnsUrl(bad), String(bad)).toBe(false);
    }
  });
});

describe('the default SNS fetcher', () => {
  it('fetches each certificate once, forgets failures, and never caches confirmations', async () => {
    const asked: string[] = [];
    let fail = true;
    const fetcher = createSnsFetcher(async (url) => {
      asked.push(url);
      if (url.endsWith('flaky.pem') && fail) throw new Error('timeout');
      return `pem for ${url}`;
    });
    expect(await fetcher.certificate('https://h/a.pem')).toBe('pem for https://h/a.pem');
    await fetcher.certificate('https://h/a.pem');
    await expect(fetcher.certificate('https://h/flaky.pem')).rejects.toThrow('timeout');
    fail = false;
    expect(await fetcher.certificate('https://h/flaky.pem')).toBe('pem for https://h/flaky.pem');
    await fetcher.confirmSubscription('https://h/confirm');
    await fetcher.confirmSubscription('https://h/confirm');
    expect(asked).toEqual(['https://h/a.pem', 'https://h/flaky.pem', 'https://h/flaky.pem', 'https://h/confirm', 'https://h/confirm']);
  });
});

describe('with no SNS_TOPIC_ARNS', () => {
  it('refuses every message, even a correctly signed one, without fetching', async () => {
    const fetched = fx.recordingFetcher(key.certificate);
    const silent = { warn() {}, info() {} };
    const deps = { db: null, log: silent, clock: { now: () => new Date() }, config: { sns: { topicArns: [] } }, snsFetcher: fetched.fetcher } as unknown as SnsDeps;
    const signed = fx.signSns(fx.sesNotification('0100-a', fx.delivery('a@example.com')), key.privateKey);
    const err = await receiveSnsMessage(deps, JSON.stringify(signed)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('FORBIDDEN');
    expect(fetched.certificateUrls).toEqual([]);
  });
});
