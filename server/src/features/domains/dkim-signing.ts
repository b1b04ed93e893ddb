import DKIM from 'nodemailer/lib/dkim';
import type { DomainRow } from '../../db/schema/index.js';
import type { PipelineDeps } from '../emails/message-pipeline.js';
import { dkimPrivateKey } from './dkim-keys.js';

/**
 * Headers covered by `h=` when present. List-Unsubscribe and List-Unsubscribe-Post must both be
 * signed or Gmail and Yahoo ignore one-click unsubscribe (RFC 8058 §4). nodemailer's signer lists each
 * present header once and leaves absent ones out, so it does not oversign.
 */
export const SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'In-Reply-To', 'References', 'List-Id', 'List-Help', 'List-Unsubscribe',
  'List-Unsubscribe-Post', 'List-Subscribe', 'List-Post', 'List-Owner', 'List-Archive', 'Precedence',
  'Auto-Submitted', 'Feedback-ID',
].join(':');

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * DKIM-signs the final message (rsa-sha256, relaxed/relaxed) when its From domain is covered by a
 * VERIFIED sending domain of the email's project (`domain`, from findVerifiedSendingDomain): `d=` is
 * that domain, `s=` its selector. Other mail goes out unsigned (when REQUIRE_VERIFIED_DOMAINS allows it).
 */
export async function signForSender(deps: Pick<PipelineDeps, 'masterKey'>, raw: Buffer, domain: DomainRow | undefined): Promise<Buffer> {
  if (!domain) return raw;
  const signer = new DKIM({
    domainName: domain.domain,
    keySelector: domain.selector,
    privateKey: dkimPrivateKey(domain, deps.masterKey),
    headerFieldNames: SIGNED_HEADERS,
  });
  const signed = await collect(signer.sign(raw));
  // nodemailer leaves the message unsigned if the key is unusable; an unsigned message from a
  // verified domain would fail DMARC, so refuse to send it instead.
  if (!signed.subarray(0, 15).toString('latin1').toLowerCase().startsWith('dkim-signature:')) {
    throw new Error(`DKIM signing with selector ${domain.selector} for ${domain.domain} failed`);
  }
  return signed;
}
