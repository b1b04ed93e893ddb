// Every background job: its name, payload and queue policy. Handlers register in each feature's *.jobs.ts.

export interface JobPayloads {
  'email.send': { emailId: string };
}
export type JobName = keyof JobPayloads;

export const JOBS: Record<JobName, { queue: { expireInSeconds: number; retryLimit: number; retryDelay: number; retryBackoff: boolean } }> = {
  // Retries here only cover crashes and infrastructure errors; SMTP retry policy lives in the email row.
  'email.send': { queue: { expireInSeconds: 120, retryLimit: 20, retryDelay: 5, retryBackoff: true } },
};

/** Higher runs first: transactional mail keeps priority over workflows and campaigns. */
export const PRIORITY = { transactional: 30, workflow: 20, campaign: 10 } as const;
