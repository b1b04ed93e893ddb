import http from 'node:http';
import net from 'node:net';

// Test-only helpers for the outbound tests (real sockets on loopback). Not imported by application code.

export interface CountingListener {
  port: number;
  /** TCP connections accepted so far (they are held open and never answered). */
  readonly connections: number;
  close(): Promise<void>;
}

const listen = (server: net.Server, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

const closeServer = (server: net.Server, sockets: Set<net.Socket>) =>
  new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });

/**
 * A TCP listener on `host` (default 127.0.0.1) that counts connections and never answers; on the same
 * port it also listens on ::1 when `alsoV6` and the machine has IPv6 loopback.
 */
export async function startCountingListener(opts: { host?: string; port?: number; alsoV6?: boolean } = {}): Promise<CountingListener> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const onConnection = (s: net.Socket) => {
    count++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  };
  const servers = [net.createServer(onConnection)];
  await listen(servers[0], opts.port ?? 0, opts.host ?? '127.0.0.1');
  const port = (servers[0].address() as net.AddressInfo).port;
  if (opts.alsoV6) {
    const v6 = net.createServer(onConnection);
    try {
      await listen(v6, port, '::1');
      servers.push(v6);
    } catch {
      // no IPv6 loopback here: the IPv4 listener alone must stay silent
    }
  }
  return {
    port,
    get connections() {
      return count;
    },
    close: async () => void (await Promise.all(servers.map((s) => closeServer(s, sockets)))),
  };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface TestHttpServer {
  port: number;
  /** Every request received, in order. */
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP server on `host` with a few scripted routes:
 * `/echo` answers 201 with JSON {method, url, headers, body} and header `x-reply: yes`;
 * `/big?bytes=N` answers N bytes of 'a'; `/chain/N` redirects 302 to `/chain/N-1` until `/chain/0` (200 "end");
 * `/to?status=S&location=L` answers S (default 302) with Location L; `/hang` sends nothing;
 * `/trickle` sends headers and one chunk, then nothing; anything else answers 200 "ok".
 */
export async function startTestHttpServer(host = '127.0.0.1', port = 0): Promise<TestHttpServer> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const url = new URL(req.url ?? '/', 'http://x');
      const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
      if (url.pathname === '/echo') {
        res.writeHead(201, { 'content-type': 'application/json', 'x-reply': 'yes' });
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
      } else if (url.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('a'.repeat(Number(url.searchParams.get('bytes'))));
      } else if (chain) {
        const n = Number(chain[1]);
        if (n === 0) res.end('end');
        else res.writeHead(302, { location: `/chain/${n - 1}` }).end();
      } else if (url.pathname === '/to') {
        res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('location') ?? '/' }).end();
      } else if (url.pathname === '/hang') {
        // never answers
      } else if (url.pathname === '/trickle') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first chunk');
      } else {
        res.end('ok');
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await listen(server, port, host);
  return { port: (server.address() as net.AddressInfo).port, seen, close: () => closeServer(server, sockets) };
}
