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

export const TRACKING_MODES = ['ENABLED', 'DISABLED', 'MARKETING_ONLY'] as const;
/** Languages the hosted pages (unsubscribe, manage, subscribe) are written in. */
export const PROJECT_LANGUAGES = ['en'] as const;

// Line breaks are fine in an address; other control and invisible characters are not.
const ADDRESS_UNSAFE = /[\p{Cf}\p{Zl}\p{Zp}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

const postalAddress = z
  .string()
  .trim()
  .max(500, { message: 'must be at most 500 characters' })
  .refine((v) => !ADDRESS_UNSAFE.test(v), { message: 'must not contain control or invisible characters' })
  .transform((v) => (v === '' ? null : v))
  .nullable();

/** PATCH /users/@me/projects/:id: any of the settings; at least one. */
export const projectSettingsBody = z
  .object({
    name: projectName.optional(),
    tracking: z.enum(TRACKING_MODES, { message: `must be one of: ${TRACKING_MODES.join(', ')}` }).optional(),
    postalAddress: postalAddress.optional(),
    language: z.enum(PROJECT_LANGUAGES, { message: `must be one of: ${PROJECT_LANGUAGES.join(', ')}` }).optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Pass at least one of name, tracking, postalAddress, language' });
export type ProjectSettingsBody = z.infer<typeof projectSettingsBody>;

export const projectIdParams = z.object({ id: z.string().max(100) });

const role = z.enum(['OWNER', 'ADMIN', 'MEMBER']);

export const userProjectResponse = z.object({
  id: z.string(),
  name: z.string(),
  role,
  createdAt: z.string(),
  disabled: z.boolean(),
  tracking: z.enum(TRACKING_MODES),
  postalAddress: z.string().nullable(),
  language: z.string(),
});

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
