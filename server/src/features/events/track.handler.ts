import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppDeps } from '../../container.js';
import { actionContext } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import type { trackBody } from './events.schemas.js';
import { trackEvent } from './events.service.js';

/** POST /v1/track and POST /events/track: same body, answer and Idempotency-Key handling. */
export const trackHandler =
  (deps: AppDeps) =>
  async (request: FastifyRequest, reply: FastifyReply) => {
    // Both routes validate the body with `trackBody` before this runs.
    const body = request.body as z.infer<typeof trackBody>;
    const ctx = actionContext(request);
    const idem = idempotentRequest(request, ctx.projectId);
    // With an Idempotency-Key the event and the key commit in one transaction (no batching).
    const result = await runIdempotent(deps.database, idem, async (db) => ({
      status: 200,
      body: { success: true as const, data: await trackEvent(deps.database, ctx, body, idem ? db : undefined) },
    }));
    return sendStored(reply, result);
  };
