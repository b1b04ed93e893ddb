import { z } from 'zod';
import { containsNul } from '../../core/json.js';

// Anything that ends up in a message header is refused (not stripped) when it holds CR, LF or NUL.
const HEADER_UNSAFE = /[\r\n\0]/;
const noInjection = { message: 'must not contain line breaks (CR/LF) or NUL', abort: true } as const;

const headerText = (max: number) => z.string().max(max).refine((v) => !HEADER_UNSAFE.test(v), noInjection);

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

const headerName = z
  .string()
  .min(1)
  .max(128)
  .refine((v) => !HEADER_UNSAFE.test(v), noInjection)
  .refine((v) => /^[!-9;-~]+$/.test(v), { message: 'must be printable ASCII without spaces or ":"' })
  .refine((v) => !FORBIDDEN_HEADERS.has(v.toLowerCase()), { message: 'this header is set by Mailwright and cannot be overridden' });

export const sendBody = z.object({
  to: z.union([address, z.array(address).min(1).max(50, { message: 'at most 50 recipients per request' })]),
  subject: headerText(998).min(1),
  body: z.string().min(1).refine((v) => !containsNul(v), { message: 'must not contain NUL characters' }),
  from: address.optional(),
  name: headerText(256).optional(),
  reply: emailAddress.optional(),
  headers: z.record(headerName, headerText(998)).optional(),
  data: z
    .record(z.string(), z.unknown())
    .refine((v) => !containsNul(v), { message: 'must not contain NUL characters' })
    .optional(),
  subscribed: z.boolean().optional(),
  // Sent by Plunk's SDK; only HTML bodies are supported.
  type: z.enum(['html', 'markdown']).optional(),
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
