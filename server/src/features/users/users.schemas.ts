import { z } from 'zod';

// Emails are stored lowercased and trimmed, so one mailbox is one account however it is typed.
const accountEmail = z
  .string()
  .max(400)
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be a valid email address' }).max(254));

const newPassword = z
  .string()
  .min(8, { message: 'must be at least 8 characters' })
  .max(256, { message: 'must be at most 256 characters' });

export const signupBody = z.object({
  email: accountEmail,
  password: newPassword,
  inviteToken: z.string().min(1).max(200).optional(),
});

// No length rule beyond a sane cap: a login never tells what the password rules are.
export const loginBody = z.object({
  email: accountEmail,
  password: z.string().min(1).max(256),
});

export const requestPasswordResetBody = z.object({ email: accountEmail });

export const resetPasswordBody = z.object({
  token: z.string().min(1).max(200),
  password: newPassword,
});

export const accountResponse = z.object({
  success: z.literal(true),
  data: z.object({ id: z.string(), email: z.string() }),
});

export const okResponse = z.object({ success: z.literal(true) });

export const messageResponse = z.object({
  success: z.literal(true),
  data: z.object({ message: z.string() }),
});

export const meResponse = z.object({
  id: z.string(),
  email: z.string(),
  isInstanceOwner: z.boolean(),
  csrfToken: z.string(),
  createdAt: z.string(),
});

export const instanceConfigResponse = z.object({
  signupsDisabled: z.boolean(),
  hasUsers: z.boolean(),
  devInbox: z.boolean(),
  publicUrl: z.string(),
  version: z.string(),
});
