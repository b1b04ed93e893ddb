import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { startMxServer, type MxServer } from '../../mail/mx-server.js';
import { acceptsRecipient, handleInboundMessage } from './mx-inbound.service.js';

/** DSNs and ARF reports are small; a returned original with attachments is cut off long before this. */
export const MX_MAX_BYTES = 1024 * 1024;

export interface MxListenerDeps {
  db: Db;
  masterKey: Buffer;
  log: Logger;
  config: { mx: { port?: number; host: string } };
}

/**
 * Starts the inbound SMTP listener for bounces, complaints and mailto unsubscribes when `SMTP_MX_PORT`
 * is set (null otherwise). Runs in the process that runs the worker.
 */
export async function startMxListener(deps: MxListenerDeps, override?: { port: number; host?: string }): Promise<MxServer | null> {
  const port = override?.port ?? deps.config.mx.port;
  if (port === undefined) return null;
  const log = deps.log.child({ component: 'mx' });
  const server = await startMxServer({
    port,
    host: override?.host ?? deps.config.mx.host,
    maxBytes: MX_MAX_BYTES,
    log,
    acceptRecipient: acceptsRecipient,
    onMessage: (message) => handleInboundMessage({ db: deps.db, masterKey: deps.masterKey, log }, message),
  });
  log.info({ port: server.port }, 'MX listener for bounces, complaints and mailto unsubscribes started');
  return server;
}
