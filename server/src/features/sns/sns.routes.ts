import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { receiveSnsMessage } from './sns.service.js';

/** Plunk's paths for the same endpoint, so an SNS subscription made for it keeps working. */
export const SNS_WEBHOOK_PATHS = ['/webhooks/sns', '/webhooks/incoming/sns', '/api/webhooks/sns', '/api/webhooks/incoming/sns'];

/**
 * SES feedback delivered by SNS. Public (SNS signs each message instead) and never rate limited:
 * SNS would only retry, and dropping feedback hurts deliverability. Not part of the API document.
 */
export const snsRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  for (const url of SNS_WEBHOOK_PATHS) {
    // The body is JSON even though SNS labels it text/plain; Fastify hands that over as a string.
    app.post(url, { schema: { hide: true }, bodyLimit: 1024 * 1024 }, async (request) => receiveSnsMessage(deps, request.body));
  }
};
