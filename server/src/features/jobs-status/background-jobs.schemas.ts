import { z } from 'zod';

export const jobIdParams = z.object({ jobId: z.string().max(100) });

export const jobQueuedResponse = z.object({ message: z.string(), jobId: z.string() });

export const jobStatusResponse = z.object({
  id: z.string(),
  state: z.enum(['queued', 'running', 'completed', 'failed']),
  progress: z.object({ processed: z.number().int(), total: z.number().int().nullable(), percent: z.number().int() }),
  result: z.unknown(),
  failedReason: z.string().nullable(),
});
