import { readFile, readdir, readlink } from 'node:fs/promises';
import { SMTPServer } from 'smtp-server';

// The SMTP sink of `npm run test:scale`: accepts everything and records, per message, its Message-ID,
// envelope recipients, arrival time and the process that sent it. The sender is found from the outside,
// without adding anything to the messages: when a client connects, its source port is looked up in
// /proc/net/tcp (→ socket inode) and the inode in /proc/<pid>/fd of each candidate process (Linux only).

export interface SinkMessage {
  messageId: string;
  to: string[];
  /** performance.now() when the message was fully received. */
  at: number;
  /** pid of the process owning the client socket, or null when it could not be found. */
  pid: number | null;
}

const HEADER_LIMIT = 64 * 1024;

/** The socket inode of the TCP connection from 127.0.0.1:clientPort to the sink, or null. */
async function clientSocketInode(clientPort: number, sinkPort: number): Promise<string | null> {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1].split(':')[1], 16);
      const remotePort = parseInt(cols[2].split(':')[1], 16);
      if (localPort === clientPort && remotePort === sinkPort) return cols[9];
    }
  }
  return null;
}

async function ownerOf(inode: string, pids: number[]): Promise<number | null> {
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === target) return pid;
    }
  }
  return null;
}

/** `candidates()` names the processes a connection may come from (the worker pids of the moment). */
export async function startScaleSink(candidates: () => number[]) {
  const messages: SinkMessage[] = [];
  const senderOf = new Map<string, number | null>();
  let unattributedConnections = 0;
  let sinkPort = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    // Runs before the greeting is sent, so the client's socket is certainly still open.
    onConnect(session, callback) {
      void (async () => {
        const inode = await clientSocketInode(session.remotePort, sinkPort);
        const pid = inode ? await ownerOf(inode, candidates()) : null;
        if (pid === null) unattributedConnections += 1;
        senderOf.set(session.id, pid);
      })().then(() => callback(), () => callback());
    },
    onClose(session) {
      senderOf.delete(session.id);
    },
    onData(stream, session, callback) {
      let head = '';
      let headDone = false;
      stream.on('data', (c: Buffer) => {
        if (headDone) return;
        head += c.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end >= 0 || head.length > HEADER_LIMIT) {
          headDone = true;
          if (end >= 0) head = head.slice(0, end);
        }
      });
      stream.on('end', () => {
        messages.push({
          messageId: /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? 'none',
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          at: performance.now(),
          pid: senderOf.get(session.id) ?? null,
        });
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sinkPort = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${sinkPort}`,
    messages,
    unattributedConnections: () => unattributedConnections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type ScaleSink = Awaited<ReturnType<typeof startScaleSink>>;
