import { z } from 'zod';

const level = z.enum(['healthy', 'warning', 'critical']);
const counts = { sent: z.number(), bounced: z.number(), complained: z.number(), bounceRate: z.number(), complaintRate: z.number() };

export const projectIdParams = z.object({ id: z.string().max(100) });

export const securityResponse = z.object({
  /** The worse of the two 7-day levels. */
  status: level,
  levels: z.object({ bounce7Day: level, bounceAllTime: level, complaint7Day: level, complaintAllTime: level }),
  isDisabled: z.boolean(),
  /** Set by the reputation guard at the pause thresholds; an OWNER resumes with POST …/resume-marketing. */
  marketingPaused: z.boolean(),
  marketingPausedAt: z.string().nullable(),
  marketingPausedReason: z.string().nullable(),
  window: z.object({ days: z.number(), ...counts }),
  allTime: z.object(counts),
  /** Fractions (0.02 = 2 %); below minimumSent emails in the window a project is not judged. */
  thresholds: z.object({ bounceWarning: z.number(), bouncePause: z.number(), complaintWarning: z.number(), complaintPause: z.number(), minimumSent: z.number() }),
});
