import { z } from 'zod';
import { containsNul } from '../../core/json.js';
import { EMAIL_STATUSES } from '../../db/schema/index.js';

// Anything that ends up in a message header is refused (not stripped) when it holds CR, LF or NUL.
const HEADER_UNSAFE = /[\r\n\0]/;
const noInjection = { message: 'must not contain line breaks (CR/LF) or NUL', abort: true } as const;

export const headerText = (max: number) => z.string().max(max).refine((v) => !HEADER_UNSAFE.test(v), noInjection);

export const emailAddress = z
  .string()
  .refine((v) => !HEADER_UNSAFE.test(v), noInjection)
  .transform((v) => v.trim())
  .pipe(z.email({ message: 'must be a valid email address' }).max(254));

const addressObject = z.object({ name: headerText(256).optional(), email: emailAddress });
export const address = z.union([emailAddress, addressObject]);

// Headers we build ourselves or that would let a caller forge delivery metadata.
export const FORBIDDEN_HEADERS = new Set([
  'from', 'to', 'cc', 'bcc', 'subject', 'date', 'message-id', 'sender', 'return-path', 'received',
  'dkim-signature', 'authentication-results', 'mime-version', 'content-type', 'content-transfer-encoding',
]);

/** Why a caller may not use `name` as a header, or null. */
function headerNameProblem(name: string): string | null {
  if (!name.length || name.length > 128) return 'header names must be 1 to 128 characters';
  if (HEADER_UNSAFE.test(name)) return 'must not contain line breaks (CR/LF) or NUL';
  if (!/^[!-9;-~]+$/.test(name)) return 'must be printable ASCII without spaces or ":"';
  if (FORBIDDEN_HEADERS.has(name.toLowerCase())) return `"${name}" is set by Mailwright and cannot be overridden`;
  return null;
}

// Names are checked here rather than as record keys so each refusal carries its path (`headers.Bcc`)
// and its own message.
const customHeaders = z.record(z.string(), headerText(998)).superRefine((headers, ctx) => {
  for (const name of Object.keys(headers)) {
    const problem = headerNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
});

export const MAX_ATTACHMENTS = 10;
/** 10 MB decoded, measured on the base64 text as Plunk does. */
export const MAX_ATTACHMENTS_BASE64_LENGTH = Math.floor((10 * 1024 * 1024 * 4) / 3);

const attachment = z
  .object({
    filename: z
      .string()
      .min(1)
      .max(255)
      .refine((v) => !/[\r\n\0"]/.test(v), { message: 'must not contain line breaks, NUL or double quotes' }),
    content: z.base64({ message: 'must be base64-encoded' }).min(1),
    contentType: headerText(255).min(1),
    contentId: z
      .string()
      .min(1)
      .max(255)
      .refine((v) => !/[<>\r\n\0]/.test(v), { message: 'must not contain <, >, line breaks or NUL' })
      .optional(),
    disposition: z.enum(['attachment', 'inline']).default('attachment'),
  })
  .superRefine((a, ctx) => {
    if (a.disposition === 'inline' && !a.contentId) {
      ctx.addIssue({ code: 'custom', path: ['contentId'], message: 'contentId is required for inline attachments' });
    }
  });

const attachments = z
  .array(attachment)
  .max(MAX_ATTACHMENTS, { message: `at most ${MAX_ATTACHMENTS} attachments per email` })
  .superRefine((list, ctx) => {
    const total = list.reduce((n, a) => n + a.content.length, 0);
    if (total > MAX_ATTACHMENTS_BASE64_LENGTH) {
      ctx.addIssue({ code: 'custom', message: `attachments may total at most 10 MB (decoded); got ${(total * 0.75 / 1024 / 1024).toFixed(1)} MB` });
    }
  });

export const sendBody = z.object({
  to: z.union([address, z.array(address).min(1).max(50, { message: 'at most 50 recipients per request' })]),
  template: z.uuid({ message: 'must be a template ID (UUID)' }).optional(),
  subject: headerText(998).min(1).optional(),
  body: z.string().min(1).refine((v) => !containsNul(v), { message: 'must not contain NUL characters' }).optional(),
  from: address.optional(),
  name: headerText(256).optional(),
  reply: emailAddress.optional(),
  headers: customHeaders.optional(),
  data: z
    .record(z.string(), z.unknown())
    .refine((v) => !containsNul(v), { message: 'must not contain NUL characters' })
    .optional(),
  subscribed: z.boolean().optional(),
  // Plunk's per-email override of the project's tracking mode: true/false wins, absent follows the project.
  tracking: z.boolean().optional().meta({ description: "Open and click tracking for this email: `true` or `false` overrides the project's tracking mode; omit it to follow the project." }),
  // Sent by Plunk's SDK; only HTML bodies are supported.
  type: z.enum(['html', 'markdown']).optional(),
  attachments: attachments.optional(),
}).superRefine((b, ctx) => {
  if (!b.template && (b.subject === undefined || b.body === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['template'], message: 'Either template ID or both subject and body are required' });
  }
});
export type SendBody = z.infer<typeof sendBody>;

export const sendResponse = z.object({
  success: z.literal(true),
  data: z.object({
    emails: z.array(z.object({ contact: z.object({ id: z.string(), email: z.string() }), email: z.string() })),
    timestamp: z.string(),
  }),
});

export const emailIdParams = z.object({ id: z.string().max(100) });

export const listEmailsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  // An empty cursor (`?cursor=`) means the first page.
  cursor: z.string().max(1000).optional(),
  status: z.enum(EMAIL_STATUSES).optional(),
  contactId: z.uuid({ message: 'must be a contact ID (UUID)' }).optional(),
});
export type ListEmailsQuery = z.infer<typeof listEmailsQuery>;

const isoDate = z.string().meta({ format: 'date-time' });

export const emailListItem = z.object({
  id: z.string(),
  status: z.enum(EMAIL_STATUSES),
  reason: z.string().nullable(),
  to: z.string(),
  subject: z.string(),
  sourceType: z.string(),
  contactId: z.string(),
  createdAt: isoDate,
  sentAt: isoDate.nullable(),
});

export const emailPage = z.object({ data: z.array(emailListItem), cursor: z.string().nullable(), hasMore: z.boolean() });
