import type { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { TransportError, type Transport } from './transport.js';

export interface SesSettings {
  region: string;
  /** Another endpoint than AWS's own (a VPC endpoint, or a fake in tests). */
  endpoint?: string;
  /** Explicit credentials; without them the AWS SDK's default chain (env, profile, instance role) is used. */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  configurationSet?: string;
}

interface SesSdk {
  client: SESv2Client;
  SendEmail: typeof SendEmailCommand;
}

interface SdkError extends Error {
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * SES v2 `SendEmail` with `Content.Raw`: SES gets our bytes as they are, so the DKIM signature, the
 * Message-ID and every header stay ours. The returned SES MessageId is what its SNS notifications name.
 */
export function createSesTransport(settings: SesSettings): Transport {
  let sdk: Promise<SesSdk> | undefined;
  // Loaded on first use: the SDK is large and only SES deployments need it.
  const load = () =>
    (sdk ??= import('@aws-sdk/client-sesv2').then((m) => ({
      SendEmail: m.SendEmailCommand,
      client: new m.SESv2Client({
        region: settings.region,
        endpoint: settings.endpoint,
        credentials:
          settings.accessKeyId && settings.secretAccessKey
            ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey, sessionToken: settings.sessionToken }
            : undefined,
        // Retries are decided by the email row (backoff, give-up, failover), not inside the SDK.
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
      }),
    })));

  return {
    name: 'ses',
    async send(message) {
      const { client, SendEmail } = await load();
      try {
        const out = await client.send(
          new SendEmail({
            // The envelope sender: SES forwards feedback there (our VERP address) and checks it is a verified identity.
            FromEmailAddress: message.envelope.from || undefined,
            Destination: { ToAddresses: message.envelope.to },
            Content: { Raw: { Data: message.raw } },
            ConfigurationSetName: settings.configurationSet,
          }),
        );
        if (!out.MessageId) throw new TransportError('SES accepted the message without a MessageId', false);
        return { response: `SES MessageId ${out.MessageId}`, providerMessageId: out.MessageId };
      } catch (err) {
        throw toTransportError(err as SdkError);
      }
    },
    async close() {
      if (sdk) (await sdk.catch(() => null))?.client.destroy();
    },
  };
}

const THROTTLING = new Set(['TooManyRequestsException', 'LimitExceededException', 'Throttling', 'ThrottlingException']);
/** Refusals of this message (content, size, unverified identity in the sandbox): retrying the same bytes cannot help. */
const MESSAGE_REFUSED = new Set(['MessageRejected', 'BadRequestException']);

/**
 * SES never refuses a recipient at handoff (bounces arrive later through SNS), so nothing here is a hard
 * bounce. Account and configuration problems (sending paused, suspended, MAIL FROM not verified, unknown
 * configuration set, bad credentials) are temporary: they concern this transport, so they are retried and
 * count towards failover, and an operator can fix them without losing mail.
 */
export function toTransportError(err: SdkError): TransportError {
  if (err instanceof TransportError) return err;
  const status = err.$metadata?.httpStatusCode;
  const name = err.name && err.name !== 'Error' ? err.name : err.code ?? 'Error';
  const text = `SES ${name}${status ? ` (HTTP ${status})` : ''}: ${err.message || 'no message'}`.slice(0, 500);
  if (THROTTLING.has(name) || status === 429) return new TransportError(text, false, status, { throttled: true });
  if (MESSAGE_REFUSED.has(name)) return new TransportError(text, true, status, { recipientRejected: false });
  if (status === undefined) return new TransportError(`SES unreachable: ${err.code ?? name} ${err.message}`.trim().slice(0, 500), false);
  return new TransportError(text, false, status);
}
