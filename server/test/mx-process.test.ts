// The MX listener in a real process: `npm start` with SMTP_MX_PORT listens for bounces next to the worker
// and stops with it on SIGTERM.
import { createConnection } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, cleanup, envFor, exitWithin, freePort, start, tempDir } from './spawn.js';

afterAll(cleanup);

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

describe('the MX listener process', { timeout: 150_000 }, () => {
  it('accepts bounce mail on SMTP_MX_PORT while the server runs, and closes it on SIGTERM', async () => {
    const port = await freePort();
    const server = start(MAIN, [], envFor(tempDir(), { SMTP_MX_PORT: String(port), SMTP_MX_HOST: '127.0.0.1' }));
    await server.waitForStdout(/Mailwright is running at/, 120_000);
    const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    const info = await client.sendMail({ envelope: { from: 'mailer-daemon@x.test', to: 'bounces+nothing@localhost' }, raw: 'Subject: hi\r\n\r\nhello\r\n' });
    expect(info.accepted).toEqual(['bounces+nothing@localhost']);
    await expect(client.sendMail({ envelope: { from: 'a@x.test', to: 'someone@localhost' }, raw: 'Subject: hi\r\n\r\nhello\r\n' })).rejects.toMatchObject({ responseCode: 550 });
    server.signal('SIGTERM');
    const exit = await exitWithin(server, 30_000);
    expect(exit?.code, server.stderr()).toBe(0);
    expect(await refused(port)).toBe(true);
  });
});
