// SMTP ingress in a real process: `npm start` with SMTP_INGRESS_PORT listens next to the API, names it
// in the banner (with a warning when there is no TLS), closes it on SIGTERM, and refuses to start when
// the configured certificate cannot be read.
import { createConnection } from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, cleanup, envFor, exitWithin, freePort, start, tempDir } from '../../../test/spawn.js';

afterAll(cleanup);

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

const mail = { from: 'a@example.com', to: 'b@example.org', subject: 'S', text: 'T' };

describe('the SMTP ingress process', { timeout: 200_000 }, () => {
  it('listens on SMTP_INGRESS_PORT in the API process, says so in the banner, and closes on SIGTERM', async () => {
    const port = await freePort();
    const server = start(MAIN, [], envFor(tempDir(), { SMTP_INGRESS_PORT: String(port), SMTP_INGRESS_HOST: '127.0.0.1' }));
    await server.waitForStdout(/Mailwright is running at/, 150_000);
    expect(server.stdout()).toContain(`SMTP ingress on 127.0.0.1:${port}`);
    expect(server.stdout()).toMatch(/WARNING: SMTP ingress has no TLS/);
    const plain = { host: '127.0.0.1', port, secure: false, ignoreTLS: true };
    await expect(nodemailer.createTransport(plain).sendMail(mail)).rejects.toMatchObject({ responseCode: 530 });
    await expect(nodemailer.createTransport({ ...plain, auth: { user: 'x', pass: 'sk_wrong' } }).sendMail(mail)).rejects.toMatchObject({ responseCode: 535 });
    server.signal('SIGTERM');
    const exit = await exitWithin(server, 30_000);
    expect(exit?.code, server.stderr()).toBe(0);
    expect(await refused(port)).toBe(true);
  });

  it('refuses to start when the TLS certificate cannot be read', async () => {
    const dir = tempDir();
    const cert = path.join(dir, 'missing-cert.pem');
    const server = start(MAIN, [], envFor(dir, { SMTP_INGRESS_PORT: String(await freePort()), SMTP_INGRESS_TLS_CERT: cert, SMTP_INGRESS_TLS_KEY: path.join(dir, 'k.pem') }));
    const exit = await exitWithin(server, 150_000);
    expect(exit?.code).toBe(1);
    expect(server.stderr()).toContain(`SMTP ingress: cannot read SMTP_INGRESS_TLS_CERT (${cert})`);
  });
});
