import { z } from 'zod';
import { allowlistEntryError } from './outbound/allowlist.js';

// Settings for what Mailwright connects to or accepts beyond the API: outbound HTTP (workflow WEBHOOK
// steps, outbound webhooks), the workflow poller, SMTP ingress. Part of config.ts's schema, kept apart so
// config.ts stays readable. Nothing here reads the environment: config.ts passes the parsed values in.

export const integrationEnv = {
  // Hosts, IPs and CIDRs that workflow WEBHOOK steps (and outbound webhooks) may reach despite the
  // SSRF guard, e.g. an internal service of a self-hoster. Empty: only public addresses.
  OUTBOUND_ALLOWLIST: z
    .string()
    .max(4000)
    .default('')
    .superRefine((v, ctx) => {
      for (const entry of v.split(',').map((s) => s.trim()).filter(Boolean)) {
        const problem = allowlistEntryError(entry);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    }),
  WORKFLOW_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  // SMTP ingress: apps send through our SMTP server (AUTH with the sk_ key). Off unless a port is set.
  SMTP_INGRESS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SMTP_INGRESS_HOST: z.string().min(1).default('0.0.0.0'),
  SMTP_INGRESS_TLS_CERT: z.string().min(1).optional(),
  SMTP_INGRESS_TLS_KEY: z.string().min(1).optional(),
  SMTP_INGRESS_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(15),
};

const integrationSchema = z.object(integrationEnv);
type IntegrationEnv = z.infer<typeof integrationSchema>;

export interface IntegrationConfig {
  /** allowlist: OUTBOUND_ALLOWLIST entries (hostnames, IPs, CIDRs) exempt from the SSRF guard. */
  outbound: { allowlist: string[] };
  /** How often a worker looks for events to dispatch and for due DELAY/WAIT_FOR_EVENT steps. */
  workflows: { pollIntervalMs: number };
  /** port undefined = off. TLS (STARTTLS) when both certificate and key paths are set. */
  smtpIngress: { port?: number; host: string; tlsCertPath?: string; tlsKeyPath?: string; maxBytes: number };
  /** Outbound webhook request timeout (only a 2xx within it counts as delivered). */
  webhooks: { timeoutMs: number };
}

export function integrationConfig(e: IntegrationEnv): IntegrationConfig {
  return {
    outbound: { allowlist: e.OUTBOUND_ALLOWLIST.split(',').map((s) => s.trim()).filter(Boolean) },
    workflows: { pollIntervalMs: e.WORKFLOW_POLL_INTERVAL_MS },
    smtpIngress: {
      port: e.SMTP_INGRESS_PORT,
      host: e.SMTP_INGRESS_HOST,
      tlsCertPath: e.SMTP_INGRESS_TLS_CERT,
      tlsKeyPath: e.SMTP_INGRESS_TLS_KEY,
      maxBytes: e.SMTP_INGRESS_MAX_BYTES,
    },
    webhooks: { timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1000 },
  };
}
