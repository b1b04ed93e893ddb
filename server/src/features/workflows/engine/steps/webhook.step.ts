import type { Tx } from '../../../../db/client.js';
import type { WorkflowExecutionRow } from '../../../../db/schema/index.js';
import { RenderError, renderSubject } from '../../../../mail/render.js';
import { createOutboundClient, OutboundBlockedError, OutboundError, type OutboundMethod } from '../../../../outbound/outbound-client.js';
import { getContact } from '../../../contacts/contact-list.service.js';
import type { EngineDeps } from '../engine-deps.js';
import type { SnapshotStep } from '../snapshot.js';
import { webhookData, webhookPayload } from '../step-data.js';
import { parseStepConfig } from './step-config-parse.js';
import { StepFailure } from './step-types.js';

// WEBHOOK: the request is prepared (rendered) inside the step's transaction, sent outside any
// transaction, and its result recorded in a second one. Delivery is at-least-once: a worker that dies
// mid-call leaves the step RUNNING and a later run sends again with the same `Webhook-Id` header (the
// step execution id), so receivers can drop the duplicate.

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** The idempotency header: stable across re-sends of one step execution. */
export const WEBHOOK_ID_HEADER = 'Webhook-Id';
const MAX_STORED_RESPONSE = 4000;

export interface WebhookRequest {
  url: string;
  method: OutboundMethod;
  headers: Record<string, string>;
  body?: string;
}

async function renderText(template: string, data: Record<string, unknown>, what: string): Promise<string> {
  try {
    return await renderSubject(template, data);
  } catch (err) {
    const reason = err instanceof RenderError ? err.message.replace(/^Could not render subject: /, '') : (err as Error).message;
    throw new StepFailure(`Could not render the webhook ${what}: ${reason}`);
  }
}

/** Static text and Liquid tags of the URL's authority (after `scheme://`, up to a static '/', '\\', '?' or '#'). */
function authorityParts(text: string): { text: string; tag: boolean }[] {
  const parts: { text: string; tag: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.slice(i).search(/\{[{%]/);
    const staticEnd = open < 0 ? text.length : i + open;
    const stop = text.slice(i, staticEnd).search(/[/\\?#]/);
    if (stop >= 0) {
      parts.push({ text: text.slice(i, i + stop), tag: false });
      return parts;
    }
    parts.push({ text: text.slice(i, staticEnd), tag: false });
    if (open < 0) return parts;
    const close = text.indexOf(text[staticEnd + 1] === '{' ? '}}' : '%}', staticEnd + 2);
    i = close < 0 ? text.length : close + 2;
    parts.push({ text: text.slice(staticEnd, i), tag: true });
  }
  return parts;
}

/**
 * The origin (scheme://host[:port]) the configured URL fixes before rendering, or null when the host
 * (or port) is itself templated. The host is fixed when it is static text that is complete before any
 * tag: `https://api.example.com{{ data.path }}`, `https://api.example.com/{{ x }}` and
 * `https://u:{{ pw }}@api.example.com/` fix api.example.com; `https://{{ data.host }}/`,
 * `https://api-{{ region }}.example.com/`, `https://api.{{ tld }}/` and `https://api.example.com:{{ port }}/`
 * do not. Only http(s) URLs (any other scheme is refused by the outbound client anyway).
 */
export function fixedOrigin(template: string): string | null {
  const text = template.trim();
  const scheme = /^https?:[/\\]*/i.exec(text);
  if (!scheme) return null;
  const parts = authorityParts(text.slice(scheme[0].length));
  // The host follows the last static '@' (userinfo before it may be templated).
  let from = parts.length - 1;
  while (from >= 0 && (parts[from].tag || !parts[from].text.includes('@'))) from--;
  const first = from < 0 ? parts[0] : { text: parts[from].text.slice(parts[from].text.lastIndexOf('@') + 1), tag: false };
  const rest = parts.slice(from < 0 ? 1 : from + 1);
  // Static text after a tag means the tag sits inside the host or port.
  if (rest.some((p) => !p.tag && p.text !== '')) return null;
  const host = first?.text ?? '';
  if (!host || (rest.length > 0 && /[.\-:[]$/.test(host))) return null;
  try {
    return new URL(`${scheme[0].slice(0, scheme[0].indexOf(':'))}://${host}`).origin;
  } catch {
    return null;
  }
}

/**
 * Data rendered into the path or query must not move the request to another host (with
 * `https://api.example.com{{ data.path }}` and data.path = `.evil.com/`, the configured secret headers
 * would go to api.example.com.evil.com). Rendered values are not URL-encoded (the template engine
 * only escapes per engine, not per render); this check is what keeps the host fixed.
 */
function assertSameOrigin(template: string, rendered: string): void {
  const expected = fixedOrigin(template);
  if (expected === null) return;
  let actual: string;
  try {
    actual = new URL(rendered).origin;
  } catch {
    return; // not a URL at all: the outbound client refuses it without connecting
  }
  if (actual !== expected) throw new StepFailure(`The rendered URL changed the host: the configured URL is on ${expected}, the rendered one on ${actual}`);
}

/** Strings anywhere in the configured body are templates; other values are sent as they are. */
async function renderBody(value: unknown, data: Record<string, unknown>): Promise<unknown> {
  if (typeof value === 'string') return renderText(value, data, 'body');
  if (Array.isArray(value)) return Promise.all(value.map((v) => renderBody(v, data)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await renderBody(v, data);
    return out;
  }
  return value;
}

/** Renders url, header values and body against the contact and the execution context. */
export async function prepareWebhookRequest(tx: Tx, execution: WorkflowExecutionRow, step: SnapshotStep, stepExecutionId: string): Promise<WebhookRequest> {
  const config = parseStepConfig('WEBHOOK', step.config);
  const contact = await getContact(tx, execution.projectId, execution.contactId);
  const data = webhookData(contact, execution);
  const url = (await renderText(config.url, data, 'URL')).trim();
  assertSameOrigin(config.url, url);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Mailwright-Workflows' };
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    const rendered = await renderText(value, data, `header ${name}`);
    if (/[\r\n\0]/.test(rendered)) throw new StepFailure(`The webhook header ${name} contains a line break after rendering`);
    // Matched case-insensitively, so a configured `content-type` replaces ours instead of doubling it.
    for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
    headers[name] = rendered;
  }
  headers[WEBHOOK_ID_HEADER] = stepExecutionId;
  if (config.method === 'GET') return { url, method: 'GET', headers };
  const payload = config.body === undefined ? webhookPayload(contact, execution) : await renderBody(config.body, data);
  return { url, method: config.method, headers, body: typeof payload === 'string' ? payload : JSON.stringify(payload) };
}

export type WebhookOutcome = { ok: true; output: Record<string, unknown> } | { ok: false; error: string };

const clients = new WeakMap<object, ReturnType<typeof createOutboundClient>>();

/** Sends the request through the SSRF-guarded client. A non-2xx answer is a result, not a failure. */
export async function sendWebhook(deps: Pick<EngineDeps, 'dns' | 'config'>, req: WebhookRequest): Promise<WebhookOutcome> {
  let client = clients.get(deps.config);
  if (!client) clients.set(deps.config, (client = createOutboundClient(deps)));
  try {
    const res = await client.request({ ...req, timeoutMs: WEBHOOK_TIMEOUT_MS });
    return {
      ok: true,
      output: { url: req.url, method: req.method, statusCode: res.status, success: res.status >= 200 && res.status < 300, response: storedResponse(res.body, res.truncated) },
    };
  } catch (err) {
    if (err instanceof OutboundBlockedError) return { ok: false, error: `Webhook blocked by the SSRF guard: ${err.reason}` };
    if (err instanceof OutboundError) return { ok: false, error: `Webhook request failed: ${err.message}` };
    return { ok: false, error: `Webhook request failed: ${(err as Error).message}` };
  }
}

/**
 * What jsonb cannot hold: NUL and unpaired UTF-16 surrogates (a receiver's answer may carry either, and
 * cutting it can split a pair). Stored as is, the step's write would fail on every retry, re-sending.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

function storable(value: unknown): boolean {
  if (typeof value === 'string') return !UNSTORABLE.test(value);
  if (Array.isArray(value)) return value.every(storable);
  if (value && typeof value === 'object') return Object.entries(value).every(([k, v]) => storable(k) && storable(v));
  return true;
}

/** JSON when the (short, complete) answer is storable JSON; otherwise its first characters, cleaned. */
function storedResponse(body: string, truncated: boolean): unknown {
  if (!truncated && body.length <= MAX_STORED_RESPONSE) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (storable(parsed)) return parsed;
    } catch {
      // Not JSON: stored as text.
    }
  }
  return body.slice(0, MAX_STORED_RESPONSE).replace(UNSTORABLE_ALL, '\ufffd');
}
