import { z } from 'zod';
import type { DomainRow } from '../../db/schema/index.js';

export const createDomainBody = z.object({
  domain: z.string().min(1, { message: 'Domain is required' }).max(300),
  /** Plunk's dashboard sends the project id; like every body project id it is ignored (the key or session decides). */
  projectId: z.string().max(100).optional(),
});
export type CreateDomainBody = z.infer<typeof createDomainBody>;

export const domainIdParams = z.object({ id: z.string().max(100) });
export const domainProjectParams = z.object({ projectId: z.string().max(100) });

const isoDate = z.string().meta({ format: 'date-time' });

const recordJson = z.object({
  kind: z.enum(['DKIM', 'SPF', 'RETURN_PATH_MX', 'RETURN_PATH_SPF', 'DMARC']),
  type: z.enum(['TXT', 'MX']),
  host: z.string(),
  value: z.string(),
  required: z.boolean().meta({ description: 'DMARC is recommended but not needed for verification' }),
  status: z.enum(['PENDING', 'VERIFIED', 'MISSING', 'MISMATCH']),
  found: z.array(z.string()).optional().meta({ description: 'What the last check found at that host' }),
});

export const domainResponse = z.object({
  id: z.string(),
  projectId: z.string(),
  domain: z.string(),
  status: z.enum(['PENDING', 'VERIFIED', 'FAILED']),
  verified: z.boolean(),
  selector: z.string(),
  returnPathHost: z.string(),
  records: z.array(recordJson),
  failureReason: z.string().nullable(),
  lastCheckedAt: isoDate.nullable(),
  verifiedAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type DomainJson = z.infer<typeof domainResponse>;

export const domainListResponse = z.array(domainResponse);

/** Never the private key. Dates as ISO strings so an Idempotency-Key replay answers the same bytes. */
export function toDomainJson(d: DomainRow): DomainJson {
  return {
    id: d.id,
    projectId: d.projectId,
    domain: d.domain,
    status: d.status,
    verified: d.status === 'VERIFIED',
    selector: d.selector,
    returnPathHost: d.returnPathHost,
    records: d.records,
    failureReason: d.failureReason,
    lastCheckedAt: d.lastCheckedAt?.toISOString() ?? null,
    verifiedAt: d.verifiedAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
