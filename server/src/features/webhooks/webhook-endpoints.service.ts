import { decrypt, encrypt } from '../../core/crypto.js';
import { notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Executor } from '../../db/client.js';
import type { WebhookEndpointRow } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import * as q from './endpoints.queries.js';
import type { WebhookDeps } from './webhook-deps.js';
import { generateSecret } from './webhook-signing.js';
import type { CreateEndpointBody, UpdateEndpointBody } from './webhooks.schemas.js';

// Endpoint CRUD and secret rotation. Secrets are stored encrypted with the master key and returned in
// the clear only by create and rotate; Activity entries name the endpoint and its URL, never a secret.

type Deps = Pick<WebhookDeps, 'masterKey' | 'clock'> & { db: Executor };

const HOUR_MS = 3_600_000;

export async function getEndpoint(db: Executor, projectId: string, id: string, opts: { lock?: boolean } = {}): Promise<WebhookEndpointRow> {
  const row = isUuid(id) ? await q.findEndpoint(db, projectId, id.toLowerCase(), opts) : undefined;
  if (!row) throw notFound('WEBHOOK_ENDPOINT_NOT_FOUND', 'Webhook endpoint', id);
  return row;
}

export function listEndpoints(db: Executor, projectId: string): Promise<WebhookEndpointRow[]> {
  return q.listEndpointRows(db, projectId);
}

/** The secrets that sign right now: the current one, and the previous one during a rotation overlap. */
export function signingSecrets(masterKey: Buffer, endpoint: WebhookEndpointRow, now: Date): string[] {
  const secrets = [decrypt(endpoint.secretCiphertext, masterKey)];
  if (endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(decrypt(endpoint.previousSecretCiphertext, masterKey));
  }
  return secrets;
}

function audit(ctx: ProjectActionContext, type: string, e: Pick<WebhookEndpointRow, 'id' | 'url'>, summary: string, extra: Record<string, unknown> = {}) {
  const { projectId, actor, requestId, ip } = ctx;
  return { projectId, actor, requestId, ip, type, summary, metadata: { endpointId: e.id, url: e.url, ...extra } };
}

export async function createEndpoint(deps: Deps, ctx: ProjectActionContext, input: CreateEndpointBody): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  const secret = generateSecret();
  return deps.db.transaction(async (db) => {
    const endpoint = await q.insertEndpoint(db, {
      projectId: ctx.projectId,
      url: input.url,
      description: input.description ?? null,
      eventTypes: input.eventTypes ?? [],
      enabled: input.enabled ?? true,
      secretCiphertext: encrypt(secret, deps.masterKey),
    });
    await recordActivity(db, audit(ctx, 'webhook_endpoint.created', endpoint, `Webhook endpoint ${endpoint.url} created`, { eventTypes: endpoint.eventTypes }));
    return { endpoint, secret };
  });
}

export async function updateEndpoint(deps: Deps, ctx: ProjectActionContext, id: string, input: UpdateEndpointBody): Promise<WebhookEndpointRow> {
  // One transaction: the row lock holds until the change and its Activity entry are written.
  return deps.db.transaction(async (db) => {
    const current = await getEndpoint(db, ctx.projectId, id, { lock: true });
    const changes: q.EndpointChanges = {};
    if (input.url !== undefined) changes.url = input.url;
    if (input.description !== undefined) changes.description = input.description;
    if (input.eventTypes !== undefined) changes.eventTypes = input.eventTypes;
    if (input.enabled !== undefined) {
      changes.enabled = input.enabled;
      if (input.enabled) Object.assign(changes, { disabledAt: null, disabledReason: null, consecutiveFailures: 0 });
      else if (current.enabled) Object.assign(changes, { disabledAt: deps.clock.now(), disabledReason: 'Disabled by a user' });
    }
    const updated = await q.updateEndpoint(db, current.id, changes);
    const changed = Object.keys(input).filter((k) => input[k as keyof UpdateEndpointBody] !== undefined);
    await recordActivity(db, audit(ctx, 'webhook_endpoint.updated', updated, `Webhook endpoint ${updated.url} updated`, { changed, enabled: updated.enabled }));
    return updated;
  });
}

export async function deleteEndpoint(deps: Deps, ctx: ProjectActionContext, id: string): Promise<void> {
  await deps.db.transaction(async (db) => {
    const endpoint = await getEndpoint(db, ctx.projectId, id, { lock: true });
    await q.deleteEndpointRow(db, ctx.projectId, endpoint.id);
    await recordActivity(db, audit(ctx, 'webhook_endpoint.deleted', endpoint, `Webhook endpoint ${endpoint.url} deleted`));
  });
}

/**
 * A new secret signs from now on; the current one keeps signing (a second signature) for
 * `overlapHours`, so receivers can switch without dropping messages. 0 = no overlap.
 */
export async function rotateSecret(deps: Deps, ctx: ProjectActionContext, id: string, overlapHours: number): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  // One transaction: concurrent rotations queue on the row lock, so each keeps the secret it replaces.
  return deps.db.transaction(async (db) => {
    const current = await getEndpoint(db, ctx.projectId, id, { lock: true });
    const secret = generateSecret();
    const expires = overlapHours > 0 ? new Date(deps.clock.now().getTime() + overlapHours * HOUR_MS) : null;
    const endpoint = await q.updateEndpoint(db, current.id, {
      secretCiphertext: encrypt(secret, deps.masterKey),
      previousSecretCiphertext: expires ? current.secretCiphertext : null,
      previousSecretExpiresAt: expires,
    });
    await recordActivity(db, audit(ctx, 'webhook_endpoint.secret_rotated', endpoint, `Signing secret of webhook endpoint ${endpoint.url} rotated`, { overlapHours }));
    return { endpoint, secret };
  });
}
