import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { startSmtpIngress, type SmtpIngress } from './smtp-ingress.listener.js';

// With a certificate configured the ingress offers STARTTLS and takes AUTH only after it.

let t: TestContext;
let dir: string;
let cert: string;
let ingress: SmtpIngress;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mw-smtp-tls-'));
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
  cert = pems.cert;
  writeFileSync(path.join(dir, 'cert.pem'), pems.cert);
  writeFileSync(path.join(dir, 'key.pem'), pems.private);
  t = await createTestContext({ env: { SMTP_INGRESS_TLS_CERT: path.join(dir, 'cert.pem'), SMTP_INGRESS_TLS_KEY: path.join(dir, 'key.pem') } });
  ingress = (await startSmtpIngress(t.deps, { port: 0, host: '127.0.0.1' }))!;
}, 60_000);
afterAll(async () => {
  await ingress?.close();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const mail = { from: 'hello@example.com', to: 'tls@example.org', subject: 'Over TLS', text: 'secret stuff' };

describe('SMTP ingress with STARTTLS', () => {
  it('accepts AUTH and the message after STARTTLS', async () => {
    expect(ingress.tls).toBe(true);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: ingress.port,
      secure: false,
      requireTLS: true,
      // The self-signed certificate is trusted explicitly, so the handshake is really checked.
      tls: { ca: [cert], servername: 'localhost', checkServerIdentity: () => undefined },
      auth: { user: 'app', pass: t.project.secretKey },
    });
    const info = await transport.sendMail(mail);
    expect(info.accepted).toEqual(['tls@example.org']);
    const list = (await t.request('GET', '/emails')).json.data;
    expect(list.map((e: any) => e.to)).toContain('tls@example.org');
  });

  it('refuses AUTH on a connection that did not upgrade', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: ingress.port, secure: false, ignoreTLS: true, auth: { user: 'app', pass: t.project.secretKey } });
    const err = (await transport.sendMail(mail).then(() => null, (e: unknown) => e)) as { responseCode?: number } | null;
    expect(err?.responseCode).toBe(538);
  });

  it('fails start-up with a clear message when the certificate cannot be read', async () => {
    const missing = path.join(dir, 'nope.pem');
    const deps = { ...t.deps, config: { ...t.deps.config, smtpIngress: { ...t.deps.config.smtpIngress, tlsCertPath: missing } } };
    await expect(startSmtpIngress(deps, { port: 0, host: '127.0.0.1' })).rejects.toThrow(`SMTP ingress: cannot read SMTP_INGRESS_TLS_CERT (${missing})`);
    const halfConfigured = { ...t.deps, config: { ...t.deps.config, smtpIngress: { ...t.deps.config.smtpIngress, tlsKeyPath: undefined } } };
    await expect(startSmtpIngress(halfConfigured, { port: 0, host: '127.0.0.1' })).rejects.toThrow(/set both SMTP_INGRESS_TLS_CERT and SMTP_INGRESS_TLS_KEY/);
  });
});
