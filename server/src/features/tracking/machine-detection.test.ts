import { describe, expect, it } from 'vitest';
import { classifyHit, type MachineReason, type TrackingHit } from './machine-detection.js';

const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const sentAt = new Date('2025-01-01T10:00:00Z');
const later = (s: number) => new Date(sentAt.getTime() + s * 1000);

const hit = (over: Partial<TrackingHit>): TrackingHit => ({
  kind: 'open',
  method: 'GET',
  userAgent: BROWSER,
  at: later(3600),
  sentAt,
  priorOpens: 0,
  ...over,
});

// [what, hit, expected reason (null = a person)]
const TABLE: [string, Partial<TrackingHit>, MachineReason | null][] = [
  ['a desktop browser an hour later', {}, null],
  ['a phone mail client a minute later', { userAgent: PHONE, at: later(60) }, null],
  ['a click after an open', { kind: 'click', priorOpens: 1, at: later(10) }, null],
  ['a click with no open a minute later (images blocked)', { kind: 'click', at: later(60) }, null],
  ['Apple Mail Privacy Protection', { userAgent: 'Mozilla/5.0' }, 'privacy-proxy'],
  ['Gmail image proxy', { userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' }, 'privacy-proxy'],
  ['Yahoo mail proxy', { userAgent: 'YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html' }, 'privacy-proxy'],
  ['no user agent', { userAgent: undefined }, 'missing-user-agent'],
  ['blank user agent', { userAgent: '  ' }, 'missing-user-agent'],
  ['a HEAD request', { kind: 'click', method: 'HEAD' }, 'head-request'],
  ['Microsoft Safe Links', { kind: 'click', userAgent: 'Mozilla/5.0 (compatible; Microsoft SafeLinks)' }, 'link-scanner'],
  ['Barracuda', { kind: 'click', userAgent: 'Barracuda Sentinel (EE)' }, 'link-scanner'],
  ['Proofpoint', { kind: 'click', userAgent: 'Proofpoint URL Defense' }, 'link-scanner'],
  ['Mimecast', { kind: 'click', userAgent: 'Mimecast-URL-Protect/1.0' }, 'link-scanner'],
  ['a crawler', { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }, 'link-scanner'],
  ['Slack unfurling', { kind: 'click', userAgent: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }, 'link-scanner'],
  ['an HTTP library', { kind: 'click', userAgent: 'python-requests/2.31.0' }, 'link-scanner'],
  ['curl', { kind: 'click', userAgent: 'curl/8.5.0' }, 'link-scanner'],
  ['headless Chrome', { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36' }, 'link-scanner'],
  ['an open 2 s after handoff', { at: later(2) }, 'prefetch'],
  ['a click 1 s after handoff', { kind: 'click', at: later(1), priorOpens: 1 }, 'prefetch'],
  ['a hit before the email is recorded as sent', { sentAt: null }, 'prefetch'],
  ['a click with no open 8 s after handoff', { kind: 'click', at: later(8) }, 'click-before-open'],
];

describe('classifyHit', () => {
  it.each(TABLE)('%s', (_what, over, reason) => {
    expect(classifyHit(hit(over))).toEqual({ machine: reason !== null, reason });
  });

  it('does not take phone makers whose names end in "bot" for crawlers', () => {
    expect(classifyHit(hit({ userAgent: 'Mozilla/5.0 (Linux; Android 12; CUBOT X30) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36' })).machine).toBe(false);
  });
});
