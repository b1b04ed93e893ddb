import { z } from 'zod';
import { containsNul } from '../../core/json.js';
import { emailAddress } from '../emails/emails.schemas.js';

export const trackBody = z.object({
  event: z.string().trim().min(1).max(200).refine((v) => !containsNul(v), { message: 'must not contain NUL characters' }),
  email: emailAddress,
  subscribed: z.boolean().optional(),
  preserveExistingSubscription: z.boolean().optional(),
  data: z
    .record(z.string(), z.unknown())
    .refine((v) => !containsNul(v), { message: 'must not contain NUL characters' })
    .nullable()
    .optional(),
});

export const trackResponse = z.object({
  success: z.literal(true),
  data: z.object({ contact: z.string(), event: z.string(), timestamp: z.string() }),
});
