import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'mw-domain-config-'));
const postgres = { DATABASE_URL: 'postgres://localhost/mailwright', MASTER_KEY: randomBytes(32).toString('hex') };

describe('sending-domain settings', () => {
  it('require verified domains on PostgreSQL and not in embedded mode, unless REQUIRE_VERIFIED_DOMAINS says otherwise', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).domains.requireVerified).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir(), ...postgres }).domains.requireVerified).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir(), REQUIRE_VERIFIED_DOMAINS: 'true' }).domains.requireVerified).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir(), ...postgres, REQUIRE_VERIFIED_DOMAINS: 'false' }).domains.requireVerified).toBe(false);
  });

  it('derive SPF and MX defaults from PUBLIC_URL and take overrides', () => {
    const c = loadConfig({ DATA_DIR: dataDir(), PUBLIC_URL: 'https://mail.example.com' });
    expect(c.domains).toMatchObject({ spfInclude: 'a:mail.example.com', mxHost: 'mail.example.com' });
    expect(c.dns.servers).toEqual([]);
    const o = loadConfig({ DATA_DIR: dataDir(), SPF_INCLUDE: 'include:_spf.example.net ip4:192.0.2.1', MX_HOST: 'MX.example.net', DNS_SERVERS: '192.0.2.53, 127.0.0.1:5353,[::1]:53' });
    expect(o.domains).toMatchObject({ spfInclude: 'include:_spf.example.net ip4:192.0.2.1', mxHost: 'mx.example.net' });
    expect(o.dns.servers).toEqual(['192.0.2.53', '127.0.0.1:5353', '[::1]:53']);
  });

  it('refuse malformed DNS_SERVERS, SPF_INCLUDE and MX_HOST', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ DATA_DIR: dataDir(), DNS_SERVERS: 'dns.google', SPF_INCLUDE: 'include:x.example ~all', MX_HOST: 'not a host' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.problems.map((p) => p.split(':')[0]).sort()).toEqual(['DNS_SERVERS', 'MX_HOST', 'SPF_INCLUDE']);
  });
});
