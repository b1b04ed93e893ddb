import { buildApp } from './app.js';
import { closeContainer, createContainer } from './container.js';
import { ConfigError, loadConfig } from './config.js';
import { acquireDataDirLock } from './core/lock-file.js';
import { newAdminToken, removeAdminEndpoint, writeAdminEndpoint } from './features/admin/admin-token.js';
import { listProjects } from './features/projects/projects.service.js';
import { startSmtpIngress, type SmtpIngress } from './features/smtp-ingress/smtp-ingress.listener.js';
import { startMxListener } from './features/suppressions/mx-listener.js';
import { createLogger } from './http/logger.js';
import { seedDemoProject } from './seed.js';
import { startWorkers } from './workers.js';

/** Starts the API, and the worker in the same process unless `--api-only`. */
export async function main(argv: string[], role: 'all' | 'worker' = 'all') {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const apiOnly = argv.includes('--api-only');
  const embedded = config.database.kind === 'pglite';
  const releaseLock = embedded ? acquireDataDirLock(config.dataDir) : () => {};
  // Until start-up completes there is nothing to drain: give the lock back and leave.
  let onSignal: (signal: string) => unknown = () => {
    releaseLock();
    process.exit(130);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  const deps = await createContainer(config, log);
  const seeded = embedded ? await seedDemoProject(deps) : null;
  const runsWorker = role === 'worker' || !apiOnly;
  const workers = runsWorker ? await startWorkers(deps) : null;
  // Bounces, complaints and mailto unsubscribes (SMTP_MX_PORT) are received where the worker runs.
  const mx = runsWorker ? await startMxListener(deps) : null;

  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  // SMTP ingress (SMTP_INGRESS_PORT) belongs to the API: it accepts sends like POST /v1/send.
  let ingress: SmtpIngress | null = null;
  if (role === 'all') {
    ingress = await startSmtpIngress(deps);
    const adminToken = embedded ? newAdminToken() : undefined;
    app = await buildApp(deps, { adminToken });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = address && typeof address === 'object' ? address.port : config.port;
    if (adminToken) writeAdminEndpoint(config.dataDir, port, adminToken);
    // With PORT=0 the configured URL names port 0; show the one actually bound.
    const url = config.port === 0 ? `http://localhost:${port}` : config.publicUrl;
    if (embedded) printBanner(url, seeded ?? (await listProjects(deps))[0]?.id, config.dataDir, config.domains.requireVerified, ingress);
  }
  log.info(
    { role: role === 'worker' ? 'worker' : apiOnly ? 'api' : 'api+worker', database: config.database.kind, transport: deps.transport.name, requireVerifiedDomains: config.domains.requireVerified, smtpIngress: ingress ? { port: ingress.port, starttls: ingress.tls } : null },
    'Mailwright started',
  );

  let stopping = false;
  onSignal = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests and jobs');
    const force = setTimeout(() => process.exit(1), 25_000).unref();
    try {
      await app?.close();
      await ingress?.close();
      await mx?.close();
      await workers?.stop();
      await closeContainer(deps, { graceful: true, timeoutMs: 20_000 });
    } finally {
      if (embedded && role === 'all') removeAdminEndpoint(config.dataDir);
      releaseLock();
      clearTimeout(force);
      process.exit(0);
    }
  };
}

function printBanner(url: string, projectId: string | undefined, dataDir: string, requireVerifiedDomains: boolean, ingress: SmtpIngress | null) {
  const lines = [
    '',
    `  Mailwright is running at ${url}`,
    `  Open the dashboard there; the first account you create owns this instance and the demo project.`,
    `  Embedded database and Dev Inbox in ${dataDir} (no mail leaves this machine)`,
    projectId ? `  Show the demo project's API keys:  npm run cli -- project keys ${projectId}` : '',
    requireVerifiedDomains
      ? '  Sending domains are required (REQUIRE_VERIFIED_DOMAINS=true): add and verify yours under /domains before sending.'
      : '  Sending domains are not required (REQUIRE_VERIFIED_DOMAINS=false, the embedded-mode default): any sender address is accepted.',
    ingress ? `  SMTP ingress on ${ingress.host}:${ingress.port} (any username, the project's sk_ key as password)` : '',
    ingress && !ingress.tls ? '  WARNING: SMTP ingress has no TLS (SMTP_INGRESS_TLS_CERT/KEY unset): AUTH is accepted on plain connections.' : '',
    '',
  ].filter((l, i, a) => l || i === 0 || i === a.length - 1);
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
