import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import { acquireDataDirLock, dataDirLockHolder } from './core/lock-file.js';
import { migrateDatabase, openDatabase } from './db/client.js';
import { readAdminEndpoint } from './features/admin/admin-token.js';
import { createProject, getProjectKeys, listProjects, rotateProjectKeys } from './features/projects/projects.service.js';

const USAGE = `Usage: npm run cli -- <command>

  project create --name <name> [--from <email>] [--from-name <name>] [--json]
  project list [--json]
  project keys <projectId> [--json]
  project rotate-keys <projectId> [--json]
  migrate
`;

/** The operations the CLI can run, either directly on the database or through the running server. */
interface Backend {
  create(input: { name: string; defaultFrom?: string; defaultFromName?: string }): Promise<unknown>;
  list(): Promise<unknown>;
  keys(id: string): Promise<unknown>;
  rotate(id: string): Promise<unknown>;
  migrate(): Promise<string>;
  close(): Promise<void>;
}

async function directBackend(config: Config): Promise<Backend> {
  const release = config.database.kind === 'pglite' ? acquireDataDirLock(config.dataDir) : () => {};
  const database = await openDatabase(config.database);
  await migrateDatabase(database);
  const deps = { db: database.db, masterKey: config.masterKey };
  const cli = { actor: { type: 'cli' as const } };
  return {
    create: (input) => createProject(deps, cli, input),
    list: () => listProjects(deps),
    keys: (id) => getProjectKeys(deps, id),
    rotate: (id) => rotateProjectKeys(deps, cli, id),
    migrate: async () => 'Migrations applied.',
    close: async () => {
      await database.close();
      release();
    },
  };
}

/** Embedded mode while the server runs: PGlite is single-process, so ask the server. */
function serverBackend(url: string, token: string): Backend {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, {
      method,
      headers: { 'x-admin-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as { message?: string };
    if (!res.ok) throw new Error(json.message ?? `Server answered ${res.status}`);
    return json;
  };
  return {
    create: (input) => call('POST', '/admin/projects', input),
    list: async () => ((await call('GET', '/admin/projects')) as { data: unknown }).data,
    keys: (id) => call('GET', `/admin/projects/${encodeURIComponent(id)}/keys`),
    rotate: (id) => call('POST', `/admin/projects/${encodeURIComponent(id)}/rotate-keys`),
    migrate: async () => 'The running server applied migrations at start.',
    close: async () => {},
  };
}

async function openBackend(config: Config): Promise<Backend> {
  if (config.database.kind === 'pglite' && dataDirLockHolder(config.dataDir)) {
    // A server that is still starting holds the lock before it writes its endpoint: wait for it.
    const deadline = Date.now() + 30_000;
    let endpoint = readAdminEndpoint(config.dataDir);
    while (!endpoint && Date.now() < deadline && dataDirLockHolder(config.dataDir)) {
      await new Promise((r) => setTimeout(r, 250));
      endpoint = readAdminEndpoint(config.dataDir);
    }
    if (endpoint) return serverBackend(endpoint.url, endpoint.token);
    if (dataDirLockHolder(config.dataDir)) {
      throw new Error(`${config.dataDir} is held by a Mailwright process that serves no CLI endpoint (a worker?). Stop it, or run the CLI while the API server runs.`);
    }
  }
  return directBackend(config);
}

function print(value: unknown, json: boolean) {
  if (json) return void process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  if (Array.isArray(value)) {
    if (!value.length) return void process.stdout.write('No projects.\n');
    for (const p of value as { id: string; name: string }[]) process.stdout.write(`${p.id}  ${p.name}\n`);
    return;
  }
  for (const [k, v] of Object.entries(value as object)) process.stdout.write(`${k.padEnd(12)} ${v ?? ''}\n`);
}

type Command = (backend: Backend) => Promise<unknown>;

/** Works out what to run before touching the database, so mistakes are reported at once. */
function parseCommand(argv: string[]): { run: Command | null; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { name: { type: 'string' }, from: { type: 'string' }, 'from-name': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [group, command, arg] = positionals;
  const json = values.json ?? false;
  if (values.help || !group) return { run: null, json };
  if (group === 'migrate') return { run: async (b) => process.stdout.write((await b.migrate()) + '\n'), json };
  if (group !== 'project') throw new UsageError(`Unknown command "${group}".`);
  const show = (work: Command): Command => async (b) => print(await work(b), json);
  if (command === 'create') {
    const name = values.name;
    if (!name) throw new UsageError('project create needs --name <name>.');
    return { run: show((b) => b.create({ name, defaultFrom: values.from, defaultFromName: values['from-name'] })), json };
  }
  if (command === 'list') return { run: show((b) => b.list()), json };
  if ((command === 'keys' || command === 'rotate-keys') && arg) {
    return { run: show((b) => (command === 'keys' ? b.keys(arg) : b.rotate(arg))), json };
  }
  throw new UsageError(`Unknown or incomplete command "project ${command ?? ''}".`);
}

export async function runCli(argv: string[]): Promise<number> {
  const { run } = parseCommand(argv);
  if (!run) {
    process.stdout.write(USAGE);
    return 0;
  }
  const backend = await openBackend(loadConfig());
  try {
    await run(backend);
    return 0;
  } finally {
    await backend.close();
  }
}

class UsageError extends Error {}

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError) console.error(err.message);
    else if (err instanceof UsageError) console.error(`${err.message}\n\n${USAGE}`);
    else console.error(`Error: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
