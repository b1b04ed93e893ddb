// Response shapes of the API routes the dashboard uses (see the server's *.schemas.ts).

export type Role = 'OWNER' | 'ADMIN' | 'MEMBER';

export interface InstanceConfig {
  signupsDisabled: boolean;
  hasUsers: boolean;
  devInbox: boolean;
  publicUrl: string;
  version: string;
}

export interface Me {
  id: string;
  email: string;
  isInstanceOwner: boolean;
  csrfToken?: string;
  createdAt: string;
}

export const TRACKING_MODES = ['ENABLED', 'MARKETING_ONLY', 'DISABLED'] as const;
export type TrackingMode = (typeof TRACKING_MODES)[number];

export interface ProjectSummary {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  disabled: boolean;
  /** Open and click tracking (older servers omit the sending settings). */
  tracking?: TrackingMode;
  /** Shown in the footer of marketing mail. */
  postalAddress?: string | null;
  /** Language of the hosted pages (unsubscribe, manage preferences). */
  language?: string;
}

/** PATCH /users/@me/projects/:id: any of these, at least one. */
export interface ProjectSettingsInput {
  name?: string;
  tracking?: TrackingMode;
  postalAddress?: string | null;
  language?: string;
}

export interface ProjectKeys {
  public: string;
  secret: string;
  rotatedAt?: string | null;
}

export interface Member {
  userId: string;
  email: string;
  role: Role;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

export interface MembersResponse {
  members: Member[];
  invitations: Invitation[];
}

export interface Contact {
  id: string;
  email: string;
  subscribed: boolean;
  data: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface CursorPage<T> {
  data: T[];
  cursor: string | null;
  hasMore: boolean;
  total?: number;
}

export interface ContactEvent {
  id: string;
  name: string;
  data: Record<string, unknown> | null;
  contactId: string | null;
  emailId: string | null;
  createdAt: string;
}

export interface EventPage {
  events: ContactEvent[];
  nextCursor: string | null;
}

export interface JobQueued {
  message: string;
  jobId: string;
}

export interface JobStatus {
  id: string;
  state: 'queued' | 'running' | 'completed' | 'failed';
  progress: { processed: number; total: number | null; percent: number };
  result: unknown;
  failedReason: string | null;
}

export const TEMPLATE_TYPES = ['TRANSACTIONAL', 'MARKETING', 'HEADLESS'] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

export interface Template {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  subject: string;
  body: string;
  from: string;
  fromName: string | null;
  replyTo: string | null;
  type: TemplateType;
  disableFooter: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TemplatePage {
  data: Template[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
}

export const EMAIL_STATUSES = ['PENDING', 'SENDING', 'SENT', 'DELIVERED', 'BOUNCED', 'COMPLAINED', 'FAILED', 'SUPPRESSED'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export interface EmailSummary {
  id: string;
  status: EmailStatus;
  reason: string | null;
  to: string;
  subject: string;
  sourceType: string;
  createdAt: string;
  sentAt: string | null;
}

export interface EmailDetail extends EmailSummary {
  contact?: { id: string | null; email: string } | null;
  from?: string;
  fromName?: string | null;
  messageId?: string | null;
  attempts?: number;
  failedAt?: string | null;
  updatedAt?: string;
  html?: string | null;
  text?: string | null;
  // Delivery feedback (bounces and complaints arrive after the send).
  deliveredAt?: string | null;
  bouncedAt?: string | null;
  bounceType?: string | null;
  complainedAt?: string | null;
  // Tracking: totals include machine hits (privacy proxies, scanners, prefetch); first timestamps are human only.
  opens?: number;
  humanOpens?: number;
  clicks?: number;
  humanClicks?: number;
  openedAt?: string | null;
  clickedAt?: string | null;
}

export interface InboxSummary {
  id: string;
  emailId: string | null;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  createdAt: string;
}

export interface InboxMessage extends InboxSummary {
  raw?: string;
  html?: string | null;
  text?: string | null;
  headers?: Array<{ key?: string; name?: string; value: string }> | Record<string, string>;
}

export interface ActivityItem {
  id: string;
  type: string;
  actor: { type: string; id: string | null; email?: string | null };
  summary: string;
  requestId: string | null;
  ip: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
}

export interface ApiRequestItem {
  id: string;
  requestId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  authType: string | null;
  ip: string | null;
  errorCode?: string | null;
  createdAt: string;
}

export type DomainStatus = 'PENDING' | 'VERIFIED' | 'FAILED';
export type DnsRecordStatus = 'PENDING' | 'VERIFIED' | 'MISSING' | 'MISMATCH';

export interface DnsRecord {
  kind: 'DKIM' | 'SPF' | 'RETURN_PATH_MX' | 'RETURN_PATH_SPF' | 'DMARC';
  type: 'TXT' | 'MX';
  host: string;
  value: string;
  /** DMARC is recommended but not needed for verification. */
  required: boolean;
  status: DnsRecordStatus;
  /** What the last check found at that host (absent before the first check). */
  found?: string[];
}

export interface SendingDomain {
  id: string;
  projectId: string;
  domain: string;
  status: DomainStatus;
  verified: boolean;
  selector: string;
  returnPathHost: string;
  records: DnsRecord[];
  failureReason: string | null;
  lastCheckedAt: string | null;
  verifiedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const SUPPRESSION_REASONS = ['HARD_BOUNCE', 'COMPLAINT', 'MANUAL', 'UNSUBSCRIBE'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  id: string;
  email: string;
  reason: SuppressionReason;
  /** api, dashboard, import, smtp, dsn, arf, sns */
  source: string;
  /** The email whose bounce or complaint added the address. */
  emailId: string | null;
  details: string | null;
  createdAt: string;
}

export interface SuppressionImportResult {
  /** Data rows in the file (the header excluded). */
  total: number;
  added: number;
  /** Valid addresses that were listed already (or repeated in the file). */
  alreadyListed: number;
  failed: number;
  /** The first 100 rows that could not be imported. */
  errors: { line: number; value: string | null; message: string }[];
}

export const SEGMENT_TYPES = ['DYNAMIC', 'STATIC'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

export const TIME_UNITS = ['days', 'hours', 'minutes'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/** One filter of a segment condition (field families and operators: features/segments/filter-model.ts). */
export interface SegmentFilter {
  field: string;
  operator: string;
  value?: unknown;
  unit?: TimeUnit;
}

/** A group's filters are ANDed, together with its optional nested condition. */
export interface FilterGroup {
  filters: SegmentFilter[];
  conditions?: FilterCondition;
}

export interface FilterCondition {
  logic: 'AND' | 'OR';
  groups: FilterGroup[];
}

export interface Segment {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  /** Names the membership events: segment.<slug>.entry / .exit. */
  slug: string;
  type: SegmentType;
  /** Null for STATIC segments. */
  condition: FilterCondition | null;
  trackMembership: boolean;
  /** Cached; refreshed by a job, on every change and by POST /segments/:id/refresh. */
  memberCount: number;
  memberCountAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SegmentInput {
  name: string;
  description?: string | null;
  type: SegmentType;
  condition?: FilterCondition | null;
  trackMembership?: boolean;
}

export interface OffsetPage<T> {
  data: T[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
}

export interface SegmentPreview {
  count: number;
  /** A few of the matching contacts. */
  sample: { id: string; email: string }[];
}

export interface SegmentMembersAdded {
  added: number;
  created: number;
  /** Addresses without a contact (when createMissing is off). */
  notFound: string[];
}

export interface SegmentComputeResult {
  added: number;
  removed: number;
  total: number;
}

export type ContactFieldType = 'string' | 'number' | 'boolean' | 'date' | 'object' | 'array';

export interface ContactField {
  field: string;
  type: ContactFieldType;
  /** Fraction (0–1) of the project's contacts that have the field. */
  coverage: number;
}
