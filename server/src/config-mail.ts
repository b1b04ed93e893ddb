import { z } from 'zod';
import type { SesSettings } from './mail/ses.js';

// The mail transport part of config.ts's schema (MAIL_TRANSPORT, SES, failover, SNS), kept apart so
// config.ts stays readable. Nothing here reads the environment: config.ts passes the parsed values in.

export type TransportName = 'inbox' | 'smtp' | 'ses';
const TRANSPORTS: readonly string[] = ['inbox', 'smtp', 'ses'];
const splitList = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/** One transport or an ordered failover list, most preferred first (`ses,smtp`). */
const transportList = z
  .string()
  .refine((v) => {
    const names = splitList(v);
    return names.length > 0 && names.every((n) => TRANSPORTS.includes(n)) && new Set(names).size === names.length;
  }, 'must be inbox, smtp or ses, or an ordered comma list of them without repeats (e.g. ses,smtp)')
  .transform((v) => splitList(v) as TransportName[]);

const snsTopicArns = z
  .string()
  .refine((v) => splitList(v).every((a) => /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/.test(a)), 'must be comma-separated SNS topic ARNs (arn:aws:sns:<region>:<account>:<topic>)')
  .transform(splitList);

export const mailEnv = {
  MAIL_TRANSPORT: transportList.prefault('inbox'),
  AWS_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1').optional(),
  SES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
  SES_CONFIGURATION_SET: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an SES configuration set name').optional(),
  TRANSPORT_FAILOVER_AFTER: z.coerce.number().int().min(1).max(1000).default(3),
  TRANSPORT_RECOVERY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  SNS_TOPIC_ARNS: snsTopicArns.optional(),
};

type MailEnv = z.infer<z.ZodObject<typeof mailEnv>> & { SMTP_URL?: string; SMTP_POOL_SIZE: number };

export interface MailConfig {
  /** The preferred (first) transport. */
  transport: TransportName;
  /** Every configured transport, most preferred first; more than one means failover. */
  transports: TransportName[];
  smtpUrl?: string;
  smtpPoolSize: number;
  ses?: SesSettings;
  failoverAfter: number;
  recoverySeconds: number;
}

/** Settings each listed transport needs, as `NAME: problem` lines. */
export function mailProblems(e: MailEnv): string[] {
  const problems: string[] = [];
  if (e.MAIL_TRANSPORT.includes('smtp') && !e.SMTP_URL) problems.push('SMTP_URL: required when MAIL_TRANSPORT includes smtp');
  if (e.MAIL_TRANSPORT.includes('ses') && !e.AWS_REGION) problems.push('AWS_REGION: required when MAIL_TRANSPORT includes ses');
  if (!e.AWS_ACCESS_KEY_ID !== !e.AWS_SECRET_ACCESS_KEY) {
    problems.push('AWS_SECRET_ACCESS_KEY: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together (or leave both unset for the default AWS credential chain)');
  }
  return problems;
}

export function mailConfig(e: MailEnv): MailConfig {
  return {
    transport: e.MAIL_TRANSPORT[0],
    transports: e.MAIL_TRANSPORT,
    smtpUrl: e.SMTP_URL,
    smtpPoolSize: e.SMTP_POOL_SIZE,
    ses: e.AWS_REGION
      ? {
          region: e.AWS_REGION,
          endpoint: e.SES_ENDPOINT,
          accessKeyId: e.AWS_ACCESS_KEY_ID,
          secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
          sessionToken: e.AWS_SESSION_TOKEN,
          configurationSet: e.SES_CONFIGURATION_SET,
        }
      : undefined,
    failoverAfter: e.TRANSPORT_FAILOVER_AFTER,
    recoverySeconds: e.TRANSPORT_RECOVERY_SECONDS,
  };
}
