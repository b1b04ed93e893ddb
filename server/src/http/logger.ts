import pino, { type Logger } from 'pino';
import { redactKeys } from '../features/keys/keys.js';

/**
 * Structured logs with secrets removed twice: known header paths are censored, and every
 * serialized line is scrubbed of anything shaped like an API key (keys sent in the wrong
 * place — a query string, a body, a custom header — must not leak either).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-admin-token"]', 'headers.authorization'],
        censor: '[REDACTED]',
      },
      hooks: {
        streamWrite: (line) => redactKeys(line),
      },
    },
    destination ?? pino.destination(1),
  );
}

export type { Logger };
