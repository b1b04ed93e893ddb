import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readDeliveryStatus, readFeedbackReport, quotedMessageIds } from './report-parser.js';
import { emailIdFromVerpToken, taggedLocalPart, verpAddress, verpToken } from './verp.js';

const key = randomBytes(32);

describe('VERP tokens', () => {
  it('round-trip the email id, whatever the case of the local part, and fit in 64 characters with the prefix', () => {
    const id = randomUUID();
    const address = verpAddress(key, id, 'mw-bounces.example.com');
    const { prefix, tag } = taggedLocalPart(address)!;
    expect(prefix).toBe('bounces');
    expect(address.split('@')[0].length).toBeLessThanOrEqual(64);
    expect(emailIdFromVerpToken(key, tag)).toBe(id);
    expect(emailIdFromVerpToken(key, tag.toUpperCase())).toBe(id);
  });

  it('refuse a token with any character changed, another key, or a bad shape', () => {
    const token = verpToken(key, randomUUID());
    for (let i = 0; i < token.length; i++) {
      const altered = token.slice(0, i) + (token[i] === 'a' ? 'b' : 'a') + token.slice(i + 1);
      expect(emailIdFromVerpToken(key, altered), `position ${i}`).toBeNull();
    }
    expect(emailIdFromVerpToken(randomBytes(32), token)).toBeNull();
    expect(emailIdFromVerpToken(key, token.slice(1))).toBeNull();
    expect(emailIdFromVerpToken(key, 'not-a-token')).toBeNull();
  });
});

describe('report parsing', () => {
  it('reads the first failed recipient of a DSN, with folded diagnostic lines', () => {
    const text = 'Reporting-MTA: dns; mx.test\n\nFinal-Recipient: rfc822; a@x.test\nAction: delayed\nStatus: 4.4.1\n\nFinal-Recipient: rfc822;b@x.test\nAction: failed\nStatus: 5.1.1 (unknown)\nDiagnostic-Code: smtp; 550 5.1.1 no such\n user here\n';
    expect(readDeliveryStatus(text)).toEqual({ kind: 'hard', status: '5.1.1', recipient: 'b@x.test', reason: '5.1.1 550 5.1.1 no such user here' });
    expect(readDeliveryStatus('Final-Recipient: rfc822; a@x.test\nAction: failed\nStatus: 4.2.2\n')?.kind).toBe('soft');
    expect(readDeliveryStatus('Final-Recipient: rfc822; a@x.test\nAction: delivered\nStatus: 2.0.0\n')?.kind).toBe('delivered');
    expect(readDeliveryStatus('Reporting-MTA: dns; mx.test\n')).toBeNull();
  });

  it('reads the feedback type of an ARF report', () => {
    expect(readFeedbackReport('Feedback-Type: Abuse\nUser-Agent: FBL/1\nVersion: 1\n')).toEqual({ feedbackType: 'abuse', reason: 'Feedback-Type: abuse reported by FBL/1' });
    expect(readFeedbackReport('Version: 1\n')).toBeNull();
  });

  it("finds the quoted original's Message-ID, not the report's own", () => {
    const raw = 'Message-ID: <report@mx.test>\r\nSubject: x\r\n\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-Id: <orig@acme.test>\r\n';
    expect(quotedMessageIds(raw, '<report@mx.test>')).toEqual(['<orig@acme.test>']);
  });
});
