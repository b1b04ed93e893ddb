import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'mw-config-'));

describe('configuration', () => {
  it('has embedded-mode defaults for everything', () => {
    const dir = dataDir();
    const c = loadConfig({ DATA_DIR: dir });
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.database).toEqual({ kind: 'pglite', dataDir: path.join(dir, 'pgdata') });
    expect(c.mail.transport).toBe('inbox');
    expect(c.masterKey).toHaveLength(32);
  });

  it('generates the master key once into the data directory and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).masterKey;
    expect(readFileSync(path.join(dir, 'master.key'), 'utf8').trim()).toBe(first.toString('hex'));
    expect(loadConfig({ DATA_DIR: dir }).masterKey.equals(first)).toBe(true);
  });

  it('reads the outbound allowlist and refuses an entry that is neither host, IP nor CIDR at start-up', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), OUTBOUND_ALLOWLIST: 'hooks.internal, 10.1.0.0/16,127.0.0.1' }).outbound.allowlist).toEqual([
      'hooks.internal',
      '10.1.0.0/16',
      '127.0.0.1',
    ]);
    expect(() => loadConfig({ DATA_DIR: dataDir(), OUTBOUND_ALLOWLIST: '10.0.0.0/99' })).toThrow(/OUTBOUND_ALLOWLIST/);
  });

  it('lists every problem at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'abc', MAIL_TRANSPORT: 'pigeon', LOG_LEVEL: 'loud', DATA_DIR: dataDir() });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'MAIL_TRANSPORT', 'PORT']);
  });

  it('requires SMTP_URL for the smtp transport and MASTER_KEY with DATABASE_URL', () => {
    expect(() => loadConfig({ MAIL_TRANSPORT: 'smtp', DATABASE_URL: 'postgres://x@localhost/db', DATA_DIR: dataDir() })).toThrow(
      /SMTP_URL[\s\S]*MASTER_KEY/,
    );
  });

  it('runs on PostgreSQL when DATABASE_URL is set', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/mail', MASTER_KEY: 'a'.repeat(64), DATA_DIR: dataDir() });
    expect(c.database).toMatchObject({ kind: 'postgres', url: 'postgres://u@db:5432/mail' });
  });

  it('limits rates by default, in memory, with the documented buckets', () => {
    const c = loadConfig({ DATA_DIR: dataDir() });
    expect(c.rateLimit).toMatchObject({
      enabled: true,
      buckets: { track: { perSecond: 100, burst: 200 }, send: { perSecond: 20, burst: 50 }, 'contacts:write': { perSecond: 50, burst: 100 } },
    });
    expect(c.redisUrl).toBeUndefined();
  });

  it('reads rate-limit switches and lists every bad value at once', () => {
    const c = loadConfig({ RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_SEND_PER_SECOND: '0', REDIS_URL: 'redis://cache:6379', DATA_DIR: dataDir() });
    expect(c.rateLimit.enabled).toBe(false);
    expect(c.rateLimit.buckets.send.perSecond).toBe(0);
    expect(c.redisUrl).toBe('redis://cache:6379');
    let error: ConfigError | undefined;
    try {
      loadConfig({ RATE_LIMIT_ENABLED: 'maybe', RATE_LIMIT_TRACK_BURST: '0', REDIS_URL: 'http://cache', DATA_DIR: dataDir() });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error!.problems.map((p) => p.split(':')[0]).sort()).toEqual(['RATE_LIMIT_ENABLED', 'RATE_LIMIT_TRACK_BURST', 'REDIS_URL']);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', SMTP_URL: '', DATA_DIR: dataDir() }).port).toBe(3000);
  });
});
