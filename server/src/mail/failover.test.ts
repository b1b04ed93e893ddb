import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { createFailoverTransport } from './failover.js';
import { TransportError, type OutgoingMessage, type Transport } from './transport.js';

// The failover rules on scripted transports (no network); the wiring through the worker, SES and SMTP
// is covered in failover-delivery.test.ts.

type Outcome = 'ok' | 'temporary' | 'throttled' | 'permanent';

function scripted(name: string, initial: Outcome = 'ok') {
  const t = {
    name,
    outcome: initial,
    calls: 0,
    async send(m: OutgoingMessage) {
      t.calls += 1;
      if (t.outcome === 'ok') return { response: `250 ${m.emailId}` };
      if (t.outcome === 'permanent') throw new TransportError(`${name} 550 no such user`, true, 550);
      throw new TransportError(`${name} unavailable`, false, t.outcome === 'throttled' ? 429 : 421, { throttled: t.outcome === 'throttled' });
    },
    async close() {},
  };
  return t;
}

const message = (n = 1): OutgoingMessage => ({
  emailId: `e${n}`,
  projectId: 'p',
  messageId: `<e${n}@x.test>`,
  subject: 's',
  envelope: { from: 'a@x.test', to: ['b@y.test'] },
  raw: Buffer.from('x'),
});

function setup(outcomes: Outcome[], failAfter = 3) {
  const transports = outcomes.map((o, i) => scripted(['ses', 'smtp', 'backup'][i], o));
  let now = 1_000_000;
  const failover = createFailoverTransport(transports as Transport[], { failAfter, recoverySeconds: 60, now: () => now });
  const via = async (n = 1) => (await failover.send(message(n))).transport;
  const fails = (n = 1) => failover.send(message(n)).then(() => 'sent', (e: TransportError) => (e.permanent ? 'permanent' : 'temporary'));
  return { transports, failover, via, fails, advance: (s: number) => (now += s * 1000) };
}

describe('failover between transports', () => {
  it('uses the first transport while it works, and names it in the result', async () => {
    const { transports, via, failover } = setup(['ok', 'ok']);
    expect(failover.name).toBe('failover(ses,smtp)');
    expect(await via()).toBe('ses');
    expect(transports[1].calls).toBe(0);
  });

  it('moves to the next after N consecutive temporary failures, sending the Nth message there at once', async () => {
    const { transports, via, fails } = setup(['temporary', 'ok']);
    expect(await fails(1)).toBe('temporary');
    expect(await fails(2)).toBe('temporary');
    expect(await via(3)).toBe('smtp');
    expect(await via(4)).toBe('smtp');
    expect(transports[0].calls).toBe(3);
  });

  it('counts throttling like any temporary failure', async () => {
    const { via, fails } = setup(['throttled', 'ok'], 2);
    expect(await fails()).toBe('temporary');
    expect(await via()).toBe('smtp');
  });

  it('needs the failures to be consecutive: a success starts the count again', async () => {
    const { transports, via, fails } = setup(['temporary', 'ok']);
    await fails();
    await fails();
    transports[0].outcome = 'ok';
    expect(await via()).toBe('ses');
    transports[0].outcome = 'temporary';
    await fails();
    await fails();
    expect(transports[1].calls).toBe(0);
  });

  it('never fails over on permanent refusals (they are about the recipient)', async () => {
    const { transports, fails } = setup(['permanent', 'ok'], 2);
    for (let i = 0; i < 5; i++) expect(await fails(i)).toBe('permanent');
    expect(transports[1].calls).toBe(0);
  });

  it('probes the preferred transport with one message after the cool-down and returns to it when it works', async () => {
    const { transports, via, fails, advance } = setup(['temporary', 'ok'], 1);
    expect(await via()).toBe('smtp');
    advance(59);
    expect(await via()).toBe('smtp');
    expect(transports[0].calls).toBe(1); // resting
    transports[0].outcome = 'ok';
    advance(1);
    expect(await via()).toBe('ses');
    expect(await via()).toBe('ses');
    transports[0].outcome = 'temporary';
    expect(await fails()).toBe('sent'); // failAfter 1: straight to smtp again
  });

  it('sends through the current transport when the probe fails, and rests the preferred one again', async () => {
    const { transports, via, advance } = setup(['temporary', 'ok'], 1);
    await via();
    advance(60);
    expect(await via()).toBe('smtp');
    expect(transports[0].calls).toBe(2); // the probe
    advance(30);
    expect(await via()).toBe('smtp');
    expect(transports[0].calls).toBe(2);
    advance(30);
    await via();
    expect(transports[0].calls).toBe(3);
  });

  it('probes with one message at a time while the others keep using the current transport', async () => {
    const { transports, via, advance } = setup(['temporary', 'ok'], 1);
    await via();
    advance(60);
    const before = transports[0].calls;
    const results = await Promise.all([1, 2, 3, 4].map((n) => via(n)));
    expect(results).toEqual(['smtp', 'smtp', 'smtp', 'smtp']);
    expect(transports[0].calls - before).toBe(1);
  });

  it('walks down a longer list and stays on the last one, which reports its own errors', async () => {
    const { transports, via, fails } = setup(['temporary', 'temporary', 'ok'], 1);
    expect(await via()).toBe('backup');
    transports[2].outcome = 'temporary';
    expect(await fails()).toBe('temporary');
    expect(await fails()).toBe('temporary');
  });
});

describe('MAIL_TRANSPORT and its settings', () => {
  const dataDir = () => mkdtempSync(path.join(tmpdir(), 'mw-transport-config-'));
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ DATA_DIR: dataDir(), ...env });
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };

  it('accepts an ordered list with failover settings', () => {
    const c = loadConfig({
      DATA_DIR: dataDir(),
      MAIL_TRANSPORT: ' ses , smtp ',
      SMTP_URL: 'smtp://127.0.0.1:2525',
      AWS_REGION: 'eu-west-1',
      TRANSPORT_FAILOVER_AFTER: '5',
      TRANSPORT_RECOVERY_SECONDS: '120',
      SNS_TOPIC_ARNS: 'arn:aws:sns:eu-west-1:123456789012:ses-feedback,arn:aws:sns:us-east-1:123456789012:other',
    });
    expect(c.mail).toMatchObject({ transport: 'ses', transports: ['ses', 'smtp'], failoverAfter: 5, recoverySeconds: 120, ses: { region: 'eu-west-1' } });
    expect(c.sns.topicArns).toEqual(['arn:aws:sns:eu-west-1:123456789012:ses-feedback', 'arn:aws:sns:us-east-1:123456789012:other']);
  });

  it('defaults to the inbox, failover after 3, recovery after 60 s, and no SNS topic', () => {
    const c = loadConfig({ DATA_DIR: dataDir() });
    expect(c.mail).toMatchObject({ transport: 'inbox', transports: ['inbox'], failoverAfter: 3, recoverySeconds: 60 });
    expect(c.sns.topicArns).toEqual([]);
  });

  it('refuses unknown or repeated transports', () => {
    expect(problems({ MAIL_TRANSPORT: 'ses,pigeon', AWS_REGION: 'eu-west-1' })[0]).toMatch(/^MAIL_TRANSPORT: must be inbox, smtp or ses/);
    expect(problems({ MAIL_TRANSPORT: 'smtp,smtp', SMTP_URL: 'smtp://h' })[0]).toMatch(/^MAIL_TRANSPORT:/);
    expect(problems({ MAIL_TRANSPORT: ',' })[0]).toMatch(/^MAIL_TRANSPORT:/);
  });

  it('requires what each listed transport needs', () => {
    expect(problems({ MAIL_TRANSPORT: 'ses,smtp' }).map((p) => p.split(':')[0]).sort()).toEqual(['AWS_REGION', 'SMTP_URL']);
    expect(problems({ MAIL_TRANSPORT: 'ses', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIA0000' })[0]).toMatch(/^AWS_SECRET_ACCESS_KEY: .*go together/);
    expect(problems({ AWS_REGION: 'Ireland' })[0]).toMatch(/^AWS_REGION:/);
    expect(problems({ SNS_TOPIC_ARNS: 'not-an-arn' })[0]).toMatch(/^SNS_TOPIC_ARNS:/);
  });

  it('never puts the AWS secret in a problem message', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const all = problems({ MAIL_TRANSPORT: 'ses', AWS_SECRET_ACCESS_KEY: secret }).join('\n');
    expect(all).toContain('AWS_REGION');
    expect(all).not.toContain(secret);
  });
});
