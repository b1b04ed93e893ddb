import { z } from 'zod';
import type { UserProjectJson } from './user-projects.service.js';

// Control characters, format characters (zero-width spaces, bidi overrides, BOM) and line/paragraph
// separators: invisible or misleading in a project list, so refused rather than stripped.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export const projectName = z
  .string()
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(100, { message: 'must be at most 100 characters' })
  .refine((v) => !INVISIBLE.test(v), { message: 'must not contain control or invisible characters' });

export const projectNameBody = z.object({ name: projectName });

export const projectIdParams = z.object({ id: z.string().max(100) });

const role = z.enum(['OWNER', 'ADMIN', 'MEMBER']);

export const userProjectResponse = z.object({ id: z.string(), name: z.string(), role, createdAt: z.string(), disabled: z.boolean() });

export const userProjectListResponse = z.array(userProjectResponse);

export const createdProjectResponse = z.object({
  id: z.string(),
  name: z.string(),
  role: z.literal('OWNER'),
  public: z.string(),
  secret: z.string(),
  createdAt: z.string(),
});

export const projectKeysResponse = z.object({ public: z.string(), secret: z.string(), rotatedAt: z.string() });

export const regeneratedKeysResponse = z.object({
  id: z.string(),
  name: z.string(),
  public: z.string(),
  secret: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  disabled: z.boolean(),
});

export const okResponse = z.object({ success: z.literal(true) });

export const toUserProjectJson = (p: UserProjectJson) => ({ ...p, createdAt: p.createdAt.toISOString() });
