import { createServer, Packet } from 'dns2';

// A real authoritative DNS server on 127.0.0.1 (UDP, and TCP on the same port for truncated answers)
// whose records the test sets and removes. Point DNS_SERVERS at `address`.

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, the form DNS_SERVERS takes. */
  address: string;
  port: number;
  /** Replaces the TXT records at `host` (each value one record; long values are split into 255-byte strings). */
  setTxt(host: string, values: string[]): void;
  setMx(host: string, values: { exchange: string; priority: number }[]): void;
  /** Replaces the A and AAAA records at `host` (IPv4 values become A records, IPv6 values AAAA). */
  setAddresses(host: string, addresses: string[]): void;
  /** Removes every record of `type` at `host` (all types when omitted; 'A' removes A and AAAA). */
  remove(host: string, type?: 'TXT' | 'MX' | 'A'): void;
  /** Publishes a domain's records exactly as the API listed them. */
  publish(records: { type: string; host: string; value: string }[]): void;
  /** Makes every query for `host` fail with SERVFAIL (a resolver outage), or heals it. */
  setBroken(host: string, broken: boolean): void;
  queries: string[];
  close(): Promise<void>;
}

// RFC 1035 response codes (dns2 has Packet.RCODE at runtime but not in its types).
const SERVFAIL = 2;
const NXDOMAIN = 3;
const norm = (host: string) => host.toLowerCase().replace(/\.$/, '');
const chunk = (value: string) => value.match(/[\s\S]{1,255}/g) ?? [''];

export async function startDnsServer(): Promise<TestDnsServer> {
  const txt = new Map<string, string[]>();
  const mx = new Map<string, { exchange: string; priority: number }[]>();
  const addrs = new Map<string, string[]>();
  const broken = new Set<string>();
  const queries: string[] = [];

  const handle = (request: Packet, send: (response: Packet) => Promise<Buffer>) => {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    const name = norm(question.name);
    queries.push(`${question.type} ${name}`);
    response.header.aa = 1;
    if (broken.has(name)) {
      response.header.rcode = SERVFAIL;
      return void send(response);
    }
    if (question.type === Packet.TYPE.TXT) {
      for (const v of txt.get(name) ?? []) response.answers.push({ name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 1, data: chunk(v) } as never);
    } else if (question.type === Packet.TYPE.MX) {
      for (const m of mx.get(name) ?? []) response.answers.push({ name: question.name, type: Packet.TYPE.MX, class: Packet.CLASS.IN, ttl: 1, ...m } as never);
    } else if (question.type === Packet.TYPE.A || question.type === Packet.TYPE.AAAA) {
      const v6 = question.type === Packet.TYPE.AAAA;
      for (const address of (addrs.get(name) ?? []).filter((a) => a.includes(':') === v6)) response.answers.push({ name: question.name, type: question.type, class: Packet.CLASS.IN, ttl: 0, address } as never);
    }
    if (!response.answers.length && !txt.has(name) && !mx.has(name) && !addrs.has(name)) response.header.rcode = NXDOMAIN;
    void send(response);
  };

  // Same port for UDP and TCP: resolvers retry a truncated UDP answer over TCP on the same port.
  for (let attempt = 0; ; attempt++) {
    const server = createServer({ udp: true, tcp: true, handle: handle as never });
    server.on('requestError', () => {});
    const { udp, tcp } = (server as unknown as { servers: { udp: import('node:dgram').Socket; tcp: import('node:net').Server } }).servers;
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const udpPort = udp.address().port;
    const tcpOk = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(udpPort, '127.0.0.1', () => resolve(true));
    });
    if (!tcpOk) {
      udp.close();
      if (attempt > 10) throw new Error('no free port pair for the test DNS server');
      continue;
    }
    return {
      address: `127.0.0.1:${udpPort}`,
      port: udpPort,
      queries,
      setTxt: (host, values) => void txt.set(norm(host), values),
      setMx: (host, values) => void mx.set(norm(host), values),
      setAddresses: (host, addresses) => void addrs.set(norm(host), addresses),
      remove(host, type) {
        if (!type || type === 'TXT') txt.delete(norm(host));
        if (!type || type === 'MX') mx.delete(norm(host));
        if (!type || type === 'A') addrs.delete(norm(host));
      },
      publish(records) {
        for (const r of records) {
          if (r.type === 'TXT') txt.set(norm(r.host), [...(txt.get(norm(r.host)) ?? []), r.value]);
          if (r.type === 'MX') {
            const [priority, exchange] = r.value.split(/\s+/);
            mx.set(norm(r.host), [...(mx.get(norm(r.host)) ?? []), { priority: Number(priority), exchange }]);
          }
        }
      },
      setBroken: (host, on) => void (on ? broken.add(norm(host)) : broken.delete(norm(host))),
      close: () => server.close(),
    };
  }
}

/** Adds `domain` to the caller's project, publishes its records in `dns` and verifies it: the domain JSON. */
export async function addVerifiedDomain(
  t: { request(method: string, url: string, opts?: { key?: string | null; body?: unknown }): Promise<{ status: number; json: any; body: string }> },
  dns: TestDnsServer,
  domain: string,
  key?: string,
) {
  const created = await t.request('POST', '/domains', { key, body: { domain } });
  if (created.status !== 201) throw new Error(`POST /domains answered ${created.status}: ${created.body}`);
  dns.publish(created.json.records);
  const verified = await t.request('GET', `/domains/${created.json.id}/verify`, { key });
  if (verified.json?.status !== 'VERIFIED') throw new Error(`domain ${domain} did not verify: ${verified.body}`);
  return verified.json;
}
