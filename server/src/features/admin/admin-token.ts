import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Embedded mode: PGlite allows one process per data directory, so the CLI talks to the running
// server over loopback, authenticated by a token only readable by whoever can read DATA_DIR.

export interface AdminEndpoint {
  url: string;
  token: string;
  pid: number;
}

const file = (dataDir: string) => path.join(dataDir, 'admin.json');

export function newAdminToken(): string {
  return randomBytes(32).toString('hex');
}

export function writeAdminEndpoint(dataDir: string, port: number, token: string): AdminEndpoint {
  const endpoint = { url: `http://127.0.0.1:${port}`, token, pid: process.pid };
  writeFileSync(file(dataDir), JSON.stringify(endpoint), { mode: 0o600 });
  return endpoint;
}

export function readAdminEndpoint(dataDir: string): AdminEndpoint | null {
  try {
    return JSON.parse(readFileSync(file(dataDir), 'utf8')) as AdminEndpoint;
  } catch {
    return null;
  }
}

export function removeAdminEndpoint(dataDir: string) {
  rmSync(file(dataDir), { force: true });
}
