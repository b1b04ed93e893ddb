import { request } from './client';
import type { CursorPage } from './types';

// Outbound webhooks (/webhook-endpoints). `secret` comes back only from create and rotate-secret.

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string | null;
  eventType: string;
  messageId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  responseStatus: number | null;
  error: string | null;
  durationMs: number | null;
  createdAt: string;
  completedAt: string | null;
}

export interface WebhookAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  replay: boolean;
}

export interface WebhookDeliveryDetail extends WebhookDelivery {
  url: string;
  payload: Record<string, unknown>;
  responseBody: string | null;
  attemptLog: WebhookAttempt[];
}

export interface EndpointInput {
  url?: string;
  description?: string | null;
  eventTypes?: string[];
  enabled?: boolean;
}

const base = '/webhook-endpoints';

export const listEndpoints = (projectId: string) => request<WebhookEndpoint[]>(base, { projectId });

export const createEndpoint = (projectId: string, body: EndpointInput & { url: string }) =>
  request<WebhookEndpoint & { secret: string }>(base, { method: 'POST', body, projectId });

export const updateEndpoint = (projectId: string, id: string, body: EndpointInput) =>
  request<WebhookEndpoint>(`${base}/${id}`, { method: 'PATCH', body, projectId });

export const deleteEndpoint = (projectId: string, id: string) => request<null>(`${base}/${id}`, { method: 'DELETE', projectId });

export const rotateEndpointSecret = (projectId: string, id: string, overlapHours: number) =>
  request<WebhookEndpoint & { secret: string }>(`${base}/${id}/rotate-secret`, { method: 'POST', body: { overlapHours }, projectId });

export const sendTestWebhook = (projectId: string, id: string) =>
  request<WebhookDeliveryDetail>(`${base}/${id}/test`, { method: 'POST', projectId });

export const listDeliveries = (projectId: string, id: string, q: { status?: DeliveryStatus; limit: number; cursor?: string }) =>
  request<CursorPage<WebhookDelivery>>(`${base}/${id}/deliveries`, { projectId, query: q });

export const getDelivery = (projectId: string, id: string, deliveryId: string) =>
  request<WebhookDeliveryDetail>(`${base}/${id}/deliveries/${deliveryId}`, { projectId });

export const replayDelivery = (projectId: string, id: string, deliveryId: string) =>
  request<WebhookDeliveryDetail>(`${base}/${id}/deliveries/${deliveryId}/replay`, { method: 'POST', projectId });
