import { randomUUID, sign } from 'node:crypto';
import { generate } from 'selfsigned';
import type { SnsFetcher } from '../src/features/sns/sns-fetcher.js';

export const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-feedback';
export const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';

/** A throwaway RSA key and self-signed certificate standing in for SNS's signing certificate. */
export async function snsSigningKey() {
  const pems = await generate([{ name: 'commonName', value: 'sns.amazonaws.com' }], { keySize: 2048 });
  return { privateKey: pems.private, certificate: pems.cert };
}

/** A fetcher that serves the test certificate and records every URL it was asked for. */
export function recordingFetcher(certificate: string) {
  const certificateUrls: string[] = [];
  const confirmed: string[] = [];
  const fetcher: SnsFetcher = {
    async certificate(url) {
      certificateUrls.push(url);
      return certificate;
    },
    async confirmSubscription(url) {
      confirmed.push(url);
    },
  };
  return { fetcher, certificateUrls, confirmed };
}

export type SnsMessage = Record<string, string>;

// Written from AWS's description of the signed string, separately from the server's implementation.
const SIGNED_KEYS: Record<string, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** Signs a message the way SNS does (SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA). */
export function signSns(fields: SnsMessage, privateKey: string, version: '1' | '2' = '1'): SnsMessage {
  const m: SnsMessage = { SignatureVersion: version, SigningCertURL: CERT_URL, ...fields };
  const text = SIGNED_KEYS[m.Type]
    .filter((k) => m[k] !== undefined)
    .map((k) => `${k}\n${m[k]}\n`)
    .join('');
  return { ...m, Signature: sign(version === '2' ? 'sha256' : 'sha1', Buffer.from(text), privateKey).toString('base64') };
}

/** An SNS Notification envelope around an SES event for the message SES knows as `providerMessageId`. */
export function sesNotification(providerMessageId: string, event: Record<string, unknown>, opts: { topic?: string; sentAt?: Date } = {}): SnsMessage {
  const mail = { timestamp: (opts.sentAt ?? new Date()).toISOString(), messageId: providerMessageId, source: 'hello@acme.test', destination: ['x@example.com'] };
  return {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: opts.topic ?? TOPIC,
    Message: JSON.stringify({ ...event, mail }),
    Timestamp: new Date().toISOString(),
    UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x',
  };
}

export const permanentBounce = (address: string) => ({
  notificationType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
    timestamp: new Date().toISOString(),
  },
});

export const complaint = (address: string) => ({
  eventType: 'Complaint',
  complaint: { complainedRecipients: [{ emailAddress: address }], complaintFeedbackType: 'abuse', timestamp: new Date().toISOString() },
});

export const delivery = (address: string) => ({
  eventType: 'Delivery',
  delivery: { recipients: [address], smtpResponse: '250 2.0.0 OK', timestamp: new Date().toISOString() },
});
