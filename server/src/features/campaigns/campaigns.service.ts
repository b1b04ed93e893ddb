import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import { AppError, notFound, validationError } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Db, Executor } from '../../db/client.js';
import type { CampaignRow, ProjectRow } from '../../db/schema/index.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { assertSenderAllowed } from '../emails/sender-policy.js';
import { listSegments } from '../segments/segments.service.js';
import { assertValidTemplateSource, getTemplate } from '../templates/templates.service.js';
import { countCampaignAudience, type AudienceSpec } from './campaign-audience.js';
import type { CreateCampaignBody, ListCampaignsQuery, UpdateCampaignBody } from './campaigns.schemas.js';
import * as q from './campaigns.queries.js';

// Campaigns: create, read, update, delete (notes §3.4). Duplicate, archive, send and cancel are in
// campaign-actions.service.ts; test sends, stats and recipients in their own files. Sending itself is
// campaign-lifecycle.service.ts.

export interface CampaignDeps {
  db: Db;
  clock: Clock;
  queue: JobQueue;
  masterKey: Buffer;
  /** REQUIRE_VERIFIED_DOMAINS (features/emails/sender-policy.ts). */
  config: Partial<Pick<Config, 'domains'>>;
}

export type CampaignContext = ProjectActionContext & { project: ProjectRow };

/** The project's campaign, or 404 CAMPAIGN_NOT_FOUND (also for other projects' ids and malformed ids). */
export async function getCampaign(db: Executor, projectId: string, id: string): Promise<CampaignRow> {
  const row = isUuid(id) ? await q.findCampaign(db, projectId, id.toLowerCase()) : undefined;
  if (!row) throw notFound('CAMPAIGN_NOT_FOUND', 'Campaign', id);
  return row;
}

export async function lockCampaignOr404(db: Executor, projectId: string, id: string): Promise<CampaignRow> {
  const row = isUuid(id) ? await q.lockCampaign(db, projectId, id.toLowerCase()) : undefined;
  if (!row) throw notFound('CAMPAIGN_NOT_FOUND', 'Campaign', id);
  return row;
}

/** `{id, name}` of the segments the campaigns target (one read for a whole page). */
export async function segmentsOf(db: Executor, projectId: string, rows: CampaignRow[]): Promise<Map<string, { id: string; name: string }>> {
  if (!rows.some((r) => r.segmentId)) return new Map();
  return new Map((await listSegments(db, projectId)).map((s) => [s.id, { id: s.id, name: s.name }]));
}

export async function getCampaignWithSegment(db: Executor, projectId: string, id: string) {
  const campaign = await getCampaign(db, projectId, id);
  return { campaign, segment: (await segmentsOf(db, projectId, [campaign])).get(campaign.segmentId ?? '') ?? null };
}

export async function listCampaignPage(db: Db, projectId: string, query: ListCampaignsQuery) {
  const { page, pageSize } = query;
  const { rows, total } = await q.listCampaignRows(db, projectId, {
    status: query.status,
    search: query.search || undefined,
    archived: query.archived === 'all' ? 'all' : query.archived === 'true',
    sort: query.sort,
    dir: query.dir,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  const segments = await segmentsOf(db, projectId, rows);
  return { rows: rows.map((campaign) => ({ campaign, segment: segments.get(campaign.segmentId ?? '') ?? null })), total, page, pageSize, totalPages: Math.ceil(total / pageSize) };
}

export function audit(ctx: ProjectActionContext, type: string, campaign: Pick<CampaignRow, 'id' | 'name'>, summary: string, extra: Record<string, unknown> = {}) {
  const { projectId, actor, requestId, ip } = ctx;
  return { projectId, actor, requestId, ip, type, summary, metadata: { campaignId: campaign.id, name: campaign.name, ...extra } };
}

/** Only the fields of the chosen audience type are kept: a SEGMENT campaign has no condition, and so on. */
function normalizeAudience<T extends Pick<AudienceSpec, 'audienceType' | 'segmentId' | 'audienceCondition'>>(c: T): T {
  return {
    ...c,
    segmentId: c.audienceType === 'SEGMENT' ? (c.segmentId?.toLowerCase() ?? null) : null,
    audienceCondition: c.audienceType === 'FILTERED' ? (c.audienceCondition ?? null) : null,
  };
}

/** Refuses an audience missing its segment or condition (the merged result of an update). */
function assertAudienceComplete(c: Pick<AudienceSpec, 'audienceType' | 'segmentId' | 'audienceCondition'>) {
  if (c.audienceType === 'SEGMENT' && !c.segmentId) {
    throw validationError([{ field: 'segmentId', code: 'custom', message: 'Segment ID is required for SEGMENT audience type' }]);
  }
  if (c.audienceType === 'FILTERED' && !c.audienceCondition) {
    throw validationError([{ field: 'audienceCondition', code: 'custom', message: 'Audience condition is required for FILTERED audience type' }]);
  }
}

type ContentInput = Pick<CreateCampaignBody, 'subject' | 'body' | 'from' | 'fromName' | 'replyTo' | 'templateId'>;

/** Request fields win over the template's; the sender falls back to the project's default sender. */
async function resolveContent(db: Executor, project: ProjectRow, input: ContentInput) {
  const template = input.templateId ? await getTemplate(db, project.id, input.templateId) : null;
  const fromEmail = input.from ?? template?.from ?? project.defaultFrom;
  if (!fromEmail) {
    throw validationError([{ field: 'from', code: 'required', message: 'Sender email is required: pass `from`, a template, or set a default sender on the project' }]);
  }
  const defaultName = input.from || template ? null : project.defaultFromName;
  return {
    templateId: template?.id ?? null,
    subject: input.subject ?? template?.subject,
    body: input.body ?? template?.body,
    fromEmail,
    fromName: input.fromName !== undefined ? input.fromName : (template?.fromName ?? defaultName ?? null),
    replyTo: input.replyTo !== undefined ? input.replyTo : (template?.replyTo ?? null),
  };
}

export async function createCampaign(deps: CampaignDeps, ctx: CampaignContext, input: CreateCampaignBody): Promise<CampaignRow> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const content = await resolveContent(tx, ctx.project, input);
    const subject = content.subject!;
    const body = content.body!;
    assertValidTemplateSource({ subject, body });
    await assertSenderAllowed({ db: tx, config: deps.config }, ctx.project, content.fromEmail);
    const audience = normalizeAudience({ projectId: ctx.projectId, type: input.type, audienceType: input.audienceType, segmentId: input.segmentId ?? null, audienceCondition: input.audienceCondition ?? null });
    const totalRecipients = await countCampaignAudience(tx, audience, now);
    const row = await q.insertCampaign(tx, {
      ...audience,
      ...content,
      subject,
      body,
      name: input.name,
      description: input.description ?? null,
      status: 'DRAFT',
      totalRecipients,
    });
    await recordActivity(tx, audit(ctx, 'campaign.created', row, `Campaign "${row.name}" created`, { type: row.type, audienceType: row.audienceType, totalRecipients }));
    return row;
  });
}

const AUDIENCE_FIELDS = ['type', 'audienceType', 'segmentId', 'audienceCondition'] as const;
/** Stored JSON has no undefined keys; compare values the way they are stored. */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v ?? null));

export async function updateCampaign(deps: CampaignDeps, ctx: CampaignContext, id: string, input: UpdateCampaignBody): Promise<CampaignRow> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const current = await lockCampaignOr404(tx, ctx.projectId, id);
    if (current.status !== 'DRAFT' && current.status !== 'SCHEDULED') {
      throw new AppError('CONFLICT', 'Cannot update campaign that is sending or has been sent', { status: current.status });
    }
    const audience = normalizeAudience({
      projectId: ctx.projectId,
      type: input.type ?? current.type,
      audienceType: input.audienceType ?? current.audienceType,
      segmentId: input.segmentId !== undefined ? input.segmentId : current.segmentId,
      audienceCondition: input.audienceCondition !== undefined ? input.audienceCondition : current.audienceCondition,
    });
    const audienceChanged = AUDIENCE_FIELDS.some((f) => !isDeepStrictEqual(plain(audience[f]), plain(current[f])));
    if (audienceChanged && current.status === 'SCHEDULED') {
      throw new AppError('CONFLICT', 'Cannot change the audience of a scheduled campaign: cancel it first, then edit the draft');
    }
    assertAudienceComplete(audience);

    const changes: q.CampaignChanges = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    const contentGiven = ['subject', 'body', 'from', 'fromName', 'replyTo', 'templateId'].some((f) => input[f as keyof UpdateCampaignBody] !== undefined);
    if (contentGiven) {
      const content = input.templateId
        ? await resolveContent(tx, ctx.project, input)
        : { subject: input.subject, body: input.body, fromEmail: input.from, fromName: input.fromName, replyTo: input.replyTo, templateId: input.templateId === null ? null : undefined };
      assertValidTemplateSource({ subject: content.subject, body: content.body });
      if (content.fromEmail && content.fromEmail !== current.fromEmail) await assertSenderAllowed({ db: tx, config: deps.config }, ctx.project, content.fromEmail);
      for (const [k, v] of Object.entries(content)) if (v !== undefined) (changes as Record<string, unknown>)[k] = v;
    }
    if (audienceChanged) {
      Object.assign(changes, { type: audience.type, audienceType: audience.audienceType, segmentId: audience.segmentId, audienceCondition: audience.audienceCondition });
      changes.totalRecipients = await countCampaignAudience(tx, audience, now);
    }
    const row = (await q.updateCampaignRow(tx, ctx.projectId, current.id, changes))!;
    const fields = Object.keys(input).filter((k) => input[k as keyof UpdateCampaignBody] !== undefined);
    await recordActivity(tx, audit(ctx, 'campaign.updated', row, `Campaign "${row.name}" updated (${fields.join(', ') || 'no changes'})`, { fields }));
    return row;
  });
}

export async function deleteCampaign(deps: Pick<CampaignDeps, 'db'>, ctx: ProjectActionContext, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const campaign = await lockCampaignOr404(tx, ctx.projectId, id);
    if (campaign.status !== 'DRAFT') {
      throw new AppError('CONFLICT', 'Can only delete draft campaigns: archive a sent or cancelled campaign to hide it', { status: campaign.status });
    }
    await q.deleteCampaignRow(tx, ctx.projectId, campaign.id);
    await recordActivity(tx, audit(ctx, 'campaign.deleted', campaign, `Campaign "${campaign.name}" deleted`));
  });
}
