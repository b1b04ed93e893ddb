import { z } from 'zod';
import { emailAddress } from '../emails/emails.schemas.js';

export const trackBody = z.object({
  event: z.string().trim().min(1).max(200),
  email: emailAddress,
  subscribed: z.boolean().optional(),
  preserveExistingSubscription: z.boolean().optional(),
  data: z.record(z.string(), z.unknown()).nullable().optional(),
});

export const trackResponse = z.object({
  success: z.literal(true),
  data: z.object({ contact: z.string(), event: z.string(), timestamp: z.string() }),
});
