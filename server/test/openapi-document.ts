import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { closeContainer, createContainer } from '../src/container.js';

export const OPENAPI_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sdk/openapi.json');

/** The document as the app serves it, from a throwaway in-memory instance. */
export async function openApiDocument(): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mailwright-openapi-'));
  const config = loadConfig({ DATA_DIR: dataDir, MASTER_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent' });
  const deps = await createContainer(config, pino({ level: 'silent' }), { open: { inMemory: true } });
  try {
    const app = await buildApp(deps);
    await app.ready();
    const doc = JSON.stringify(app.swagger(), null, 2);
    await app.close();
    return doc;
  } finally {
    await closeContainer(deps, { graceful: false });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
