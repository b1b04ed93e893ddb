import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { IdempotentRequest, StoredResponse } from '../features/idempotency/idempotency.service.js';

const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/** Reads and checks the Idempotency-Key header; null when the client sent none. */
export function idempotentRequest(request: FastifyRequest, projectId: string): IdempotentRequest | null {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw.join(',') : raw;
  if (!VALID_KEY.test(key)) throw new AppError('BAD_REQUEST', 'Idempotency-Key must be 1-255 printable ASCII characters');
  return { projectId, key, method: request.method, path: request.url.split('?')[0], body: request.body };
}

export function sendStored(reply: FastifyReply, result: StoredResponse) {
  if (result.replayed) reply.header('Idempotent-Replayed', 'true');
  // A 204 has no body, first time or replayed (the stored body is null).
  if (result.status === 204) return reply.status(204).send();
  return reply.status(result.status).send(result.body);
}
