import { randomInt } from 'node:crypto';
import net from 'node:net';
import { SMTPServer } from 'smtp-server';

// The SMTP server every fault scenario delivers into: it keeps, per recipient, every Message-ID it
// accepted. With `faulty` on it misbehaves the way real receivers do when they are overloaded or
// restarting, and accepts nothing: a TCP proxy in front of it drops some connections at once and
// others mid-session (before MAIL FROM reaches the server), and the server answers 421 at the
// greeting, 451 to RCPT TO or 451 after the message data. A message is only ever counted when the
// server answered 250 to its data, so nothing refused here can turn into a duplicate.

const smtpError = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

export interface FaultSink {
  url: string;
  byRecipient: Map<string, string[]>;
  total(): number;
  /** While on, every delivery attempt fails in one of the ways above. */
  faulty: boolean;
  /** How many attempts each kind of fault refused. */
  refusals: Record<'dropped-at-connect' | 'dropped-mid-session' | 'greeting-421' | 'rcpt-451' | 'data-451', number>;
  close(): Promise<void>;
}

export async function startFaultSink(): Promise<FaultSink> {
  const byRecipient = new Map<string, string[]>();
  let total = 0;
  const refusals: FaultSink['refusals'] = { 'dropped-at-connect': 0, 'dropped-mid-session': 0, 'greeting-421': 0, 'rcpt-451': 0, 'data-451': 0 };
  const state = { faulty: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onConnect(_session, callback) {
      if (state.faulty && randomInt(2) === 0) {
        refusals['greeting-421'] += 1;
        return callback(smtpError(421, 'Service not available, closing transmission channel'));
      }
      callback();
    },
    onRcptTo(_address, _session, callback) {
      if (state.faulty && randomInt(2) === 0) {
        refusals['rcpt-451'] += 1;
        return callback(smtpError(451, 'Requested action aborted: local error in processing'));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.faulty) {
          refusals['data-451'] += 1;
          return callback(smtpError(451, 'Temporary failure, try again later'));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? 'none';
        for (const r of session.envelope.rcptTo) {
          const address = r.address.toLowerCase();
          byRecipient.set(address, [...(byRecipient.get(address) ?? []), messageId]);
        }
        total += 1;
        callback();
      });
    },
  });
  // Killed workers and the proxy below drop connections mid-message: expected, not a reason to stop.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serverPort = (server.server.address() as net.AddressInfo).port;

  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (state.faulty && randomInt(3) === 0) {
      refusals['dropped-at-connect'] += 1;
      client.destroy();
      return;
    }
    const upstream = net.connect(serverPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
    upstream.on('error', () => {});
    client.on('close', () => upstream.destroy());
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (state.faulty && /^MAIL FROM/i.test(chunk.toString('latin1')) && randomInt(3) === 0) {
        refusals['dropped-mid-session'] += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as net.AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    byRecipient,
    total: () => total,
    get faulty() {
      return state.faulty;
    },
    set faulty(on: boolean) {
      state.faulty = on;
    },
    refusals,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
