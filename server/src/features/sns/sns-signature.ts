import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

// SNS message signatures, per AWS's "Verifying the signatures of Amazon SNS messages".

export const snsEnvelope = z.object({
  Type: z.string().min(1),
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().min(1).max(500),
  Message: z.string(),
  Timestamp: z.string().min(1),
  Subject: z.string().optional(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
  SignatureVersion: z.string(),
  Signature: z.string().min(1),
  SigningCertURL: z.string().min(1),
});

export type SnsEnvelope = z.infer<typeof snsEnvelope>;

/** `sns.<region>.amazonaws.com` (and the China partition's `.com.cn`). */
const AWS_SNS_HOST = /^sns\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com(\.cn)?$/;

/** True for https URLs on an SNS host, on the default port, without credentials. */
export function isAwsSnsUrl(value: string | undefined): boolean {
  if (!value || !URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && url.port === '' && !url.username && !url.password && AWS_SNS_HOST.test(url.hostname);
}

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

/** The string SNS signs: `Name\nvalue\n` for each field of the type, in this order; absent Subject skipped. */
export function stringToSign(m: SnsEnvelope): string | null {
  const fields =
    m.Type === 'Notification' ? NOTIFICATION_FIELDS : m.Type === 'SubscriptionConfirmation' || m.Type === 'UnsubscribeConfirmation' ? CONFIRMATION_FIELDS : null;
  if (!fields) return null;
  let out = '';
  for (const name of fields) {
    const value = m[name];
    if (value === undefined) {
      if (name === 'Subject') continue;
      return null; // a confirmation without its SubscribeURL or Token cannot be verified
    }
    out += `${name}\n${value}\n`;
  }
  return out;
}

const ALGORITHMS: Record<string, string> = { '1': 'sha1', '2': 'sha256' };

/** SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA, with the public key of the signing certificate. */
export function verifySnsSignature(m: SnsEnvelope, certificatePem: string): boolean {
  const algorithm = ALGORITHMS[m.SignatureVersion];
  const text = stringToSign(m);
  if (!algorithm || text === null) return false;
  let key: KeyObject;
  try {
    key = createPublicKey(certificatePem);
  } catch {
    return false;
  }
  if (key.asymmetricKeyType !== 'rsa') return false;
  try {
    return verify(algorithm, Buffer.from(text, 'utf8'), key, Buffer.from(m.Signature, 'base64'));
  } catch {
    return false;
  }
}
