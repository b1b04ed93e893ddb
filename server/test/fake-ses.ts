import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface SesSendRequest {
  fromEmailAddress?: string;
  to: string[];
  configurationSet?: string;
  /** The decoded Content.Raw.Data: the MIME message exactly as SES would send it. */
  raw: string;
  headers: IncomingHttpHeaders;
  messageId: string;
}

export interface SesFailure {
  status: number;
  /** SES error name, sent in `x-amzn-ErrorType` as the real service does. */
  errorType?: string;
  message?: string;
}

/**
 * An in-process SES v2 endpoint on 127.0.0.1: `POST /v2/email/outbound-emails` (SendEmail) with a raw
 * message answers `{ MessageId }`, or the failures queued with `failNext`.
 */
export async function startFakeSes() {
  const accepted: SesSendRequest[] = [];
  const failures: SesFailure[] = [];
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/v2/email/outbound-emails') return reply(404, { message: `no route ${req.method} ${req.url}` }, { 'x-amzn-ErrorType': 'NotFoundException' });
      const failure = failures.shift();
      if (failure) {
        const headers: Record<string, string> = failure.errorType ? { 'x-amzn-ErrorType': failure.errorType } : {};
        return reply(failure.status, { message: failure.message ?? `injected ${failure.status}` }, headers);
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (!body.Content?.Raw?.Data) return reply(400, { message: 'Content.Raw.Data is required' }, { 'x-amzn-ErrorType': 'BadRequestException' });
      const messageId = `0100${randomBytes(16).toString('hex')}-000000`;
      accepted.push({
        fromEmailAddress: body.FromEmailAddress,
        to: body.Destination?.ToAddresses ?? [],
        configurationSet: body.ConfigurationSetName,
        raw: Buffer.from(body.Content.Raw.Data, 'base64').toString('utf8'),
        headers: req.headers,
        messageId,
      });
      reply(200, { MessageId: messageId });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    /** Every SendEmail call, failed ones included. */
    requestCount: () => requests,
    failNext(times: number, failure: SesFailure) {
      for (let i = 0; i < times; i++) failures.push(failure);
    },
    clearFailures: () => void failures.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Settings for a context that sends through the fake (credentials are dummies the fake ignores). */
export const sesEnv = (url: string) => ({
  AWS_REGION: 'eu-west-1',
  SES_ENDPOINT: url,
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFORTESTS0000',
  AWS_SECRET_ACCESS_KEY: 'fake-secret-for-the-in-process-ses',
});
