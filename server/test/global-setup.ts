import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase } from '../src/db/client.js';
import { createJobQueue } from '../src/jobs/queue.js';
import { ADMIN_DB_URL, testDbKind } from './db-kind.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dbKind: 'pglite' | 'postgres';
    pgliteSnapshot: string;
    pgTemplate: string;
    runId: string;
  }
}

/** Migrate once per run; every test file then starts from a copy of the migrated database. */
export default async function setup(project: TestProject) {
  const kind = testDbKind();
  const runId = `mw_t_${process.pid}_${Date.now().toString(36)}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'mailwright-test-'));
  project.provide('dbKind', kind);
  project.provide('runId', runId);

  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', dataDir: '' }, { inMemory: true });
    await migrateDatabase(database);
    const queue = createJobQueue(database);
    await queue.start();
    await queue.stop({ graceful: false });
    const dump = await database.pglite!.dumpDataDir('none');
    const file = path.join(dir, 'snapshot.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    project.provide('pgliteSnapshot', file);
    project.provide('pgTemplate', '');
    return () => rmSync(dir, { recursive: true, force: true });
  }

  const admin = new pg.Client({ connectionString: ADMIN_DB_URL });
  await admin.connect();
  const template = `${runId}_tpl`;
  await admin.query(`create database ${template}`);
  const url = ADMIN_DB_URL.replace(/\/[^/]*$/, `/${template}`);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
  await migrateDatabase(database);
  const queue = { ...createJobQueue({ ...database, url }) };
  await queue.start();
  await queue.stop({ graceful: false });
  await database.close();
  project.provide('pgliteSnapshot', '');
  project.provide('pgTemplate', template);

  return async () => {
    const { rows } = await admin.query(`select datname from pg_database where datname like $1`, [`${runId}%`]);
    for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  };
}
