// Every background job: its name, payload and queue policy. Handlers register in each feature's *.jobs.ts.

export interface JobPayloads {
  'email.send': { emailId: string };
  'idempotency.purge': Record<string, never>;
  /** A `background_jobs` row holds the CSV, progress and outcome. */
  'contacts.import': { jobId: string };
  'contacts.bulk': { jobId: string };
  'contacts.merge-counts': Record<string, never>;
  'activity.purge-request-log': Record<string, never>;
  /** Re-checks the DNS records of every sending domain. */
  'domain.verify': Record<string, never>;
  /** Reputation guard: rolling bounce and complaint rates per project; warns and pauses marketing. */
  'reputation.check': Record<string, never>;
  /** Drops SNS receipts older than a week. */
  'sns.purge-receipts': Record<string, never>;
  /** Recounts every segment's memberCount and computes tracked segments (entry/exit events). */
  'segments.refresh-counts': Record<string, never>;
  /** Starts a scheduled campaign if it is still SCHEDULED for that instant (features/campaigns). */
  'campaign.start': { campaignId: string; scheduledFor: string };
  /** One fan-out batch after checkpoint `after`; a job whose `after` is not the stored checkpoint does nothing. */
  'campaign.fan-out': { campaignId: string; after: string | null };
  /** With an id: finalize that campaign (or check again shortly). Without (cron): sweep every campaign. */
  'campaign.finalize': { campaignId?: string };
  /** Runs one workflow execution from its current step until it waits or ends (features/workflows/engine). */
  'workflow.run': { executionId: string };
  /** Re-derives the usage counters of projects with billing limits from their email rows (features/billing). */
  'billing.reconcile': Record<string, never>;
}
export type JobName = keyof JobPayloads;

interface JobDefinition {
  queue: { expireInSeconds: number; heartbeatSeconds?: number; retryLimit: number; retryDelay: number; retryBackoff: boolean; retryDelayMax?: number };
  /** Cron schedule for periodic maintenance jobs (one run per tick across all workers). */
  cron?: string;
}

export const JOBS: Record<JobName, JobDefinition> = {
  // Retries here only cover crashes and infrastructure errors; SMTP retry policy lives in the email row.
  // The heartbeat hands a killed worker's jobs back within about a minute instead of at expiry
  // (npm run test:faults kills workers mid-campaign). A job whose email is still SENDING under a dead
  // worker's lease fails and retries; capping the backoff at 30 s sends it again soon after the lease
  // ends rather than minutes later, and 60 retries still outlast a half-hour database outage.
  'email.send': { queue: { expireInSeconds: 120, heartbeatSeconds: 30, retryLimit: 60, retryDelay: 5, retryBackoff: true, retryDelayMax: 30 } },
  'idempotency.purge': { queue: { expireInSeconds: 300, retryLimit: 2, retryDelay: 60, retryBackoff: false }, cron: '17 * * * *' },
  // Re-runs resume from the row's `processed`; the handler gives up after JOB_MAX_ATTEMPTS runs.
  'contacts.import': { queue: { expireInSeconds: 1800, retryLimit: 4, retryDelay: 5, retryBackoff: true } },
  'contacts.bulk': { queue: { expireInSeconds: 1800, retryLimit: 4, retryDelay: 5, retryBackoff: true } },
  'contacts.merge-counts': { queue: { expireInSeconds: 300, retryLimit: 1, retryDelay: 30, retryBackoff: false }, cron: '* * * * *' },
  // Daily: API request rows past REQUEST_LOG_RETENTION_DAYS, and expired sessions.
  'activity.purge-request-log': { queue: { expireInSeconds: 1800, retryLimit: 2, retryDelay: 300, retryBackoff: false }, cron: '41 3 * * *' },
  // Every 5 minutes: a domain that lost a record stops being VERIFIED (and stops signing).
  'domain.verify': { queue: { expireInSeconds: 600, retryLimit: 1, retryDelay: 60, retryBackoff: false }, cron: '*/5 * * * *' },
  // Every 10 minutes: 7-day bounce and complaint rates per project (features/suppressions/reputation.service.ts).
  'reputation.check': { queue: { expireInSeconds: 600, retryLimit: 1, retryDelay: 60, retryBackoff: false }, cron: '*/10 * * * *' },
  // Daily: SNS receipts (features/sns) older than a week.
  'sns.purge-receipts': { queue: { expireInSeconds: 600, retryLimit: 2, retryDelay: 300, retryBackoff: false }, cron: '23 4 * * *' },
  // Every 5 minutes: cached segment counts and tracked memberships (features/segments/segment-compute.service.ts).
  'segments.refresh-counts': { queue: { expireInSeconds: 1200, retryLimit: 1, retryDelay: 60, retryBackoff: false }, cron: '*/5 * * * *' },
  // Campaigns (features/campaigns/campaign-fanout.service.ts): every step is idempotent, so retries are safe.
  'campaign.start': { queue: { expireInSeconds: 600, retryLimit: 10, retryDelay: 10, retryBackoff: true } },
  // A batch takes well under a second; a job held by a killed worker is retried after expiry (or kicked by the sweep).
  'campaign.fan-out': { queue: { expireInSeconds: 60, retryLimit: 20, retryDelay: 2, retryBackoff: true } },
  // Every minute: the safety net behind the job chains (lost start jobs, stalled fan-outs, stuck SENDING rows).
  'campaign.finalize': { queue: { expireInSeconds: 300, retryLimit: 2, retryDelay: 5, retryBackoff: false }, cron: '* * * * *' },
  // Each step commits on its own and a step runs at most once, so a retry carries on where the last run
  // stopped. Expiry covers a run of several WEBHOOK steps (10 s each); the poller re-kicks stuck runs.
  // The heartbeat returns a killed worker's runs within about a minute rather than after the 300 s expiry.
  'workflow.run': { queue: { expireInSeconds: 300, heartbeatSeconds: 30, retryLimit: 10, retryDelay: 5, retryBackoff: true } },
  // Every 5 minutes: FAILED/SUPPRESSED emails free their units; counters never drift from the rows for long.
  'billing.reconcile': { queue: { expireInSeconds: 600, retryLimit: 1, retryDelay: 60, retryBackoff: false }, cron: '*/5 * * * *' },
};

/** Higher runs first: transactional mail keeps priority over workflows and campaigns. */
export const PRIORITY = { transactional: 30, workflow: 20, campaign: 10 } as const;
