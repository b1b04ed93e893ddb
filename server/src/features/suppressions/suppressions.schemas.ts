import { z } from 'zod';

export const SUPPRESSION_REASONS = ['HARD_BOUNCE', 'COMPLAINT', 'MANUAL', 'UNSUBSCRIBE'] as const;

export const suppressionEmail = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }))
  .transform((v) => v.toLowerCase());

export const listSuppressionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  // An empty cursor (`?cursor=`) means the first page.
  cursor: z.string().max(1000).optional(),
  /** Part of an address, case-insensitive. */
  search: z.string().max(254).optional(),
});

export const addSuppressionBody = z.object({
  email: suppressionEmail,
  reason: z.enum(SUPPRESSION_REASONS).optional().meta({ description: 'Why the address is suppressed; MANUAL when omitted.' }),
  details: z.string().max(1000).optional(),
});

export const suppressionEmailParams = z.object({ email: z.string().min(1).max(254) });

export const suppressionJson = z.object({
  id: z.string(),
  email: z.string(),
  reason: z.enum(SUPPRESSION_REASONS),
  /** api, dashboard, import, smtp, dsn, arf, sns */
  source: z.string(),
  /** The email whose bounce or complaint added the address. */
  emailId: z.string().nullable(),
  details: z.string().nullable(),
  createdAt: z.string(),
});

export const suppressionPage = z.object({ data: z.array(suppressionJson), cursor: z.string().nullable(), hasMore: z.boolean() });

export const removedResponse = z.object({ success: z.literal(true), email: z.string() });

export const importResponse = z.object({
  /** Data rows in the file (the header excluded). */
  total: z.number(),
  /** Addresses added to the list by this import. */
  added: z.number(),
  /** Valid addresses that were listed already (or repeated in the file). */
  alreadyListed: z.number(),
  failed: z.number(),
  /** The first 100 rows that could not be imported. */
  errors: z.array(z.object({ line: z.number(), value: z.string().nullable(), message: z.string() })),
});
