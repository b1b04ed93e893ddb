import type { DomainRecordState } from '../../db/schema/index.js';
import { isAbsentRecordError, type DnsResolver } from '../../mail/dns.js';

export interface RecordSettings {
  /** SPF mechanisms that authorize our sending hosts (SPF_INCLUDE). */
  spfInclude: string;
  /** Where bounces to the return-path host are delivered (MX_HOST). */
  mxHost: string;
}

export interface DomainKeyFacts {
  domain: string;
  selector: string;
  dkimPublicKey: string;
  returnPathHost: string;
}

/** Every record the owner publishes, from the current settings (a changed SPF_INCLUDE shows up at the next check). */
export function expectedRecords(d: DomainKeyFacts, s: RecordSettings): DomainRecordState[] {
  const spf = `v=spf1 ${s.spfInclude} ~all`;
  const rec = (r: Omit<DomainRecordState, 'status'>): DomainRecordState => ({ ...r, status: 'PENDING' });
  return [
    rec({ kind: 'DKIM', type: 'TXT', host: `${d.selector}._domainkey.${d.domain}`, value: `v=DKIM1; k=rsa; p=${d.dkimPublicKey}`, required: true }),
    rec({ kind: 'SPF', type: 'TXT', host: d.domain, value: spf, required: true }),
    rec({ kind: 'RETURN_PATH_MX', type: 'MX', host: d.returnPathHost, value: `10 ${s.mxHost}`, required: true }),
    rec({ kind: 'RETURN_PATH_SPF', type: 'TXT', host: d.returnPathHost, value: spf, required: true }),
    // Recommended, not required: a policy is the owner's decision, but Gmail and Yahoo want one for bulk mail.
    rec({ kind: 'DMARC', type: 'TXT', host: `_dmarc.${d.domain}`, value: `v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@${d.domain}`, required: false }),
  ];
}

type Lookup<T> = { ok: true; values: T[] } | { ok: false; error: string };

async function lookup<T>(fn: () => Promise<T[]>): Promise<Lookup<T>> {
  try {
    return { ok: true, values: await fn() };
  } catch (err) {
    if (isAbsentRecordError(err)) return { ok: true, values: [] };
    return { ok: false, error: (err as { code?: string }).code ?? (err as Error).message };
  }
}

const clip = (v: string) => (v.length > 600 ? `${v.slice(0, 600)}…` : v);
const tags = (record: string) =>
  new Map(record.split(';').map((t) => t.trim()).filter(Boolean).map((t) => [t.slice(0, t.indexOf('=')).trim().toLowerCase(), t.slice(t.indexOf('=') + 1).trim()] as const));

function dkimMatches(record: string, publicKey: string): boolean {
  const t = tags(record);
  const v = t.get('v');
  const k = t.get('k');
  return (v === undefined || v === 'DKIM1') && (k === undefined || k.toLowerCase() === 'rsa') && (t.get('p') ?? '').replace(/\s+/g, '') === publicKey;
}

function spfState(found: string[], spfInclude: string): DomainRecordState['status'] {
  const spf = found.filter((r) => /^v=spf1(\s|$)/i.test(r.trim()));
  // Two SPF records make every SPF check a permerror (RFC 7208 §4.5).
  if (spf.length !== 1) return spf.length ? 'MISMATCH' : 'MISSING';
  const terms = new Set(spf[0].toLowerCase().split(/\s+/).map((t) => t.replace(/^\+/, '')));
  return spfInclude.toLowerCase().split(/\s+/).every((t) => terms.has(t.replace(/^\+/, ''))) ? 'VERIFIED' : 'MISMATCH';
}

/** Checks one record; `null` when the lookup itself failed (timeout, SERVFAIL): that says nothing about the record. */
async function checkRecord(dns: DnsResolver, r: DomainRecordState, d: DomainKeyFacts, s: RecordSettings): Promise<DomainRecordState | { error: string }> {
  if (r.type === 'MX') {
    const res = await lookup(() => dns.resolveMx(r.host));
    if (!res.ok) return { error: res.error };
    const found = res.values.map((m) => `${m.priority} ${m.exchange.toLowerCase().replace(/\.$/, '')}`);
    const hit = res.values.some((m) => m.exchange.toLowerCase().replace(/\.$/, '') === s.mxHost);
    return { ...r, status: hit ? 'VERIFIED' : found.length ? 'MISMATCH' : 'MISSING', found };
  }
  const res = await lookup(() => dns.resolveTxt(r.host));
  if (!res.ok) return { error: res.error };
  const found = res.values.map((chunks) => chunks.join(''));
  let status: DomainRecordState['status'];
  if (r.kind === 'DKIM') status = found.some((f) => dkimMatches(f, d.dkimPublicKey)) ? 'VERIFIED' : found.length ? 'MISMATCH' : 'MISSING';
  else if (r.kind === 'DMARC') status = found.some((f) => /^v=DMARC1\s*(;|$)/i.test(f.trim())) ? 'VERIFIED' : found.length ? 'MISMATCH' : 'MISSING';
  else status = spfState(found, s.spfInclude);
  return { ...r, status, found: found.map(clip) };
}

export interface CheckOutcome {
  records: DomainRecordState[];
  /** INCONCLUSIVE: every required record that could be looked up matches, but some lookups failed. */
  verdict: 'VERIFIED' | 'NOT_VERIFIED' | 'INCONCLUSIVE';
  /** One sentence per required record that does not match (or could not be looked up). */
  problems: string[];
}

function describe(r: DomainRecordState): string {
  const where = `${r.kind.replaceAll('_', ' ')} ${r.type} record at ${r.host}`;
  if (r.status === 'MISSING') return `${where} is missing`;
  const seen = (r.found ?? []).map((f) => `"${f.length > 80 ? `${f.slice(0, 80)}…` : f}"`).join(', ');
  return `${where} does not match (found ${seen})`;
}

/** Looks every record up now. A record whose lookup failed keeps its previous status. */
export async function checkDomainRecords(dns: DnsResolver, d: DomainKeyFacts, s: RecordSettings, previous: DomainRecordState[]): Promise<CheckOutcome> {
  const expected = expectedRecords(d, s);
  const results = await Promise.all(expected.map((r) => checkRecord(dns, r, d, s)));
  const problems: string[] = [];
  let failedLookups = false;
  const records = results.map((res, i) => {
    const want = expected[i];
    if ('error' in res) {
      if (want.required) {
        failedLookups = true;
        problems.push(`${want.kind.replaceAll('_', ' ')} ${want.type} lookup at ${want.host} failed (${res.error})`);
      }
      const before = previous.find((p) => p.kind === want.kind && p.value === want.value);
      return before ? { ...want, status: before.status, found: before.found } : want;
    }
    if (want.required && res.status !== 'VERIFIED') problems.push(describe(res));
    return res;
  });
  const definitive = records.some((r, i) => r.required && !('error' in results[i]) && r.status !== 'VERIFIED');
  const verdict = definitive ? 'NOT_VERIFIED' : failedLookups ? 'INCONCLUSIVE' : 'VERIFIED';
  return { records, verdict, problems };
}
