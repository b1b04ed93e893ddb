import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { requestCampaignCancel, requestCampaignSend } from './campaign-actions.service.js';
import { getCampaignStats, listCampaignRecipients } from './campaign-stats.service.js';
import { sendCampaignTest } from './campaign-test-send.service.js';
import {
  campaignEnvelope,
  campaignIdParams,
  campaignStats,
  recipientsPage,
  recipientsQuery,
  sendCampaignBody,
  testCampaignBody,
  testSendResponse,
  toCampaignJson,
} from './campaigns.schemas.js';
import type { CampaignDeps } from './campaigns.service.js';

// Sending a campaign (send now or schedule, cancel), test sends, stats and the recipients drill-down.

type Write = (request: FastifyRequest, reply: FastifyReply, status: number, work: (d: CampaignDeps) => Promise<unknown>) => Promise<FastifyReply>;

export const campaignDeliveryRoutes = (deps: AppDeps, write: Write): FastifyPluginAsyncZod => async (app) => {
  const access = requireProjectAccess(deps);
  const tags = ['campaigns'];

  app.post(
    '/campaigns/:id/send',
    { onRequest: access, schema: { tags, params: campaignIdParams, body: sendCampaignBody, response: { 200: campaignEnvelope } } },
    async (request, reply) =>
      write(request, reply, 200, async (d) => {
        const { campaign, message } = await requestCampaignSend(d, actionContext(request), request.params.id, request.body?.scheduledFor);
        return { success: true, data: toCampaignJson(campaign), message };
      }),
  );

  app.post('/campaigns/:id/cancel', { onRequest: access, schema: { tags, params: campaignIdParams, response: { 200: campaignEnvelope } } }, async (request, reply) =>
    write(request, reply, 200, async (d) => {
      const campaign = await requestCampaignCancel(d, actionContext(request), request.params.id);
      return { success: true, data: toCampaignJson(campaign), message: 'Campaign cancelled successfully' };
    }),
  );

  app.post(
    '/campaigns/:id/test',
    { onRequest: access, schema: { tags, params: campaignIdParams, body: testCampaignBody, response: { 200: testSendResponse } } },
    async (request, reply) =>
      write(request, reply, 200, async (d) => {
        const sent = await sendCampaignTest(d, actionContext(request), request.params.id, request.body.email);
        const message = sent.status === 'SUPPRESSED' ? `Test email to ${request.body.email} was not sent: ${sent.reason}` : `Test email sent to ${request.body.email}`;
        return { success: true, message, data: { emailId: sent.emailId, status: sent.status, reason: sent.reason } };
      }),
  );

  app.get(
    '/campaigns/:id/stats',
    { onRequest: access, schema: { tags, params: campaignIdParams, response: { 200: z.object({ success: z.literal(true), data: campaignStats }) } } },
    async (request) => ({ success: true as const, data: await getCampaignStats(deps.db, actionContext(request).projectId, request.params.id) }),
  );

  app.get(
    '/campaigns/:id/recipients',
    { onRequest: access, schema: { tags, params: campaignIdParams, querystring: recipientsQuery, response: { 200: recipientsPage } } },
    async (request) => ({ success: true as const, ...(await listCampaignRecipients(deps, actionContext(request).projectId, request.params.id, request.query)) }),
  );
};
