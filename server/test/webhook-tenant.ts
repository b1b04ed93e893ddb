import type { TestContext } from './context.js';
import type { ParamRouteCase, TenantFixture } from './tenant-fixtures.js';

// Project A's outbound-webhook resources for the tenant-isolation test (tenant-fixtures.ts), and how B probes them.

export interface WebhookTenantIds {
  /** A's endpoint (a loopback URL the SSRF guard blocks: nothing leaves the machine) and its test delivery. */
  webhookEndpointId: string;
  webhookDeliveryId: string;
}

export async function createWebhookFixture(t: TestContext, key: string): Promise<WebhookTenantIds> {
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await t.request(method, url, { key, body });
    if (res.status >= 300) throw new Error(`fixture: ${method} ${url} failed with ${res.status}: ${res.body}`);
    return res.json;
  };
  const endpoint = await call('POST', '/webhook-endpoints', { url: 'http://127.0.0.1:9/a-only-hook', description: 'A only endpoint', eventTypes: ['a-only-event'] });
  const delivery = await call('POST', `/webhook-endpoints/${endpoint.id}/test`);
  return { webhookEndpointId: endpoint.id, webhookDeliveryId: delivery.id };
}

export const webhookSnapshotUrls = (f: TenantFixture) => [
  '/webhook-endpoints',
  `/webhook-endpoints/${f.webhookEndpointId}`,
  `/webhook-endpoints/${f.webhookEndpointId}/deliveries`,
  `/webhook-endpoints/${f.webhookEndpointId}/deliveries/${f.webhookDeliveryId}`,
];

const notFound = { kind: 'not-found' } as const;
const endpoint = (f: TenantFixture) => ({ id: f.webhookEndpointId });
const delivery = (f: TenantFixture) => ({ id: f.webhookEndpointId, deliveryId: f.webhookDeliveryId });

export const WEBHOOK_PARAM_ROUTES: Record<string, ParamRouteCase> = {
  'GET /webhook-endpoints/{id}': { params: endpoint, expect: notFound },
  'PATCH /webhook-endpoints/{id}': { params: endpoint, body: { url: 'https://hijacker.example.com/', enabled: false }, expect: notFound },
  'DELETE /webhook-endpoints/{id}': { params: endpoint, expect: notFound },
  'POST /webhook-endpoints/{id}/rotate-secret': { params: endpoint, body: { overlapHours: 0 }, expect: notFound },
  'POST /webhook-endpoints/{id}/test': { params: endpoint, expect: notFound },
  'GET /webhook-endpoints/{id}/deliveries': { params: endpoint, expect: notFound },
  'GET /webhook-endpoints/{id}/deliveries/{deliveryId}': { params: delivery, expect: notFound },
  'POST /webhook-endpoints/{id}/deliveries/{deliveryId}/replay': { params: delivery, expect: notFound },
};
