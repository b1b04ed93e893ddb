// Which opens and clicks came from machines rather than people. Machine hits are still counted (in
// `opens`/`clicks`) but not as human ones, and never set `opened_at`/`clicked_at`. The rules, in order:

export type MachineReason =
  | 'head-request' // scanners probe links with HEAD; browsers never do on a click
  | 'missing-user-agent'
  | 'privacy-proxy' // Apple Mail Privacy Protection, Gmail/Yahoo image proxies fetch every pixel
  | 'link-scanner' // security gateways, link expanders, HTTP libraries
  | 'prefetch' // within seconds of handoff: no person has read it yet
  | 'click-before-open'; // a click with no open yet, soon after handoff: scanners follow every link

export interface TrackingHit {
  kind: 'open' | 'click';
  method: string;
  userAgent: string | undefined;
  at: Date;
  /** When we handed the message over (null: not recorded as sent yet). */
  sentAt: Date | null;
  /** Opens recorded before this hit, machine ones included. */
  priorOpens: number;
}

export interface HitVerdict {
  machine: boolean;
  reason: MachineReason | null;
}

/** Seconds after handoff in which any hit is taken as prefetch. */
export const PREFETCH_SECONDS = 5;
/** Seconds after handoff in which a click that no open preceded is taken as a scanner. */
export const CLICK_BEFORE_OPEN_SECONDS = 15;

const PRIVACY_PROXIES = [
  /^Mozilla\/5\.0$/, // Apple Mail Privacy Protection sends exactly this
  /GoogleImageProxy/i,
  /YahooMailProxy/i,
  /\bggpht\.com\b/i,
];

const SCANNERS =
  /(?<!cu)bot\b|crawler|spider|scanner|preview|barracuda|mimecast|proofpoint|symantec|messagelabs|trend ?micro|fortinet|fortiguard|sophos|zscaler|forcepoint|ironport|cisco|safelinks|bitdefender|check ?point|kaspersky|avast|mcafee|appriver|cloudmark|vade|hornet|libwww|python-requests|python-urllib|aiohttp|curl\/|wget\/|go-http-client|java\/|okhttp|axios|node-fetch|undici|httpclient|headlesschrome|phantomjs|slack|discordbot|whatsapp|facebookexternalhit|skypeuripreview|linkexpand/i;

export function classifyHit(hit: TrackingHit): HitVerdict {
  const machine = (reason: MachineReason): HitVerdict => ({ machine: true, reason });
  const ua = hit.userAgent?.trim() ?? '';
  if (hit.method === 'HEAD') return machine('head-request');
  if (!ua) return machine('missing-user-agent');
  if (PRIVACY_PROXIES.some((re) => re.test(ua))) return machine('privacy-proxy');
  if (SCANNERS.test(ua)) return machine('link-scanner');
  const sinceSent = hit.sentAt ? (hit.at.getTime() - hit.sentAt.getTime()) / 1000 : 0;
  if (sinceSent < PREFETCH_SECONDS) return machine('prefetch');
  if (hit.kind === 'click' && hit.priorOpens === 0 && sinceSent < CLICK_BEFORE_OPEN_SECONDS) return machine('click-before-open');
  return { machine: false, reason: null };
}
