import { z } from 'zod';

const noNul = (v: string) => !v.includes('\u0000');

const byIds = z.object({
  mode: z.literal('ids'),
  contactIds: z.array(z.uuid()).min(1).max(1000),
});

const byQuery = z.object({
  mode: z.literal('query'),
  filter: z
    .object({
      search: z.string().trim().max(255).refine(noNul, { message: 'must not contain NUL characters' }).optional(),
      subscribed: z.boolean().optional(),
    })
    .default({}),
  excludeIds: z.array(z.uuid()).max(10_000).optional(),
});

/** POST /contacts/bulk-subscribe | bulk-unsubscribe | bulk-delete */
export const bulkActionBody = z.discriminatedUnion('mode', [byIds, byQuery]);

export const exportQuery = z.object({
  search: z.string().trim().max(255).refine(noNul, { message: 'must not contain NUL characters' }).optional(),
  subscribed: z.enum(['true', 'false']).optional(),
});
