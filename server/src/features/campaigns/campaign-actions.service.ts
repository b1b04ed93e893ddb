import { AppError, validationError } from '../../core/errors.js';
import type { CampaignRow } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { countCampaignAudience } from './campaign-audience.js';
import { cancelCampaign, sendCampaign } from './campaign-lifecycle.service.js';
import { MAX_NAME } from './campaigns.schemas.js';
import { audit, getCampaign, lockCampaignOr404, type CampaignDeps } from './campaigns.service.js';
import * as q from './campaigns.queries.js';

// Duplicate, archive, and the checks in front of send and cancel (notes §3.4); the transitions
// themselves are campaign-lifecycle.service.ts's.

const COPY_SUFFIX = ' (Copy)';

/** POST /campaigns/:id/duplicate: a new DRAFT "<name> (Copy)" with the same content and audience, counted now. */
export async function duplicateCampaign(deps: CampaignDeps, ctx: ProjectActionContext, id: string): Promise<CampaignRow> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const source = await getCampaign(tx, ctx.projectId, id);
    const name = source.name.slice(0, MAX_NAME - COPY_SUFFIX.length) + COPY_SUFFIX;
    const audience = { projectId: ctx.projectId, type: source.type, audienceType: source.audienceType, segmentId: source.segmentId, audienceCondition: source.audienceCondition };
    const row = await q.insertCampaign(tx, {
      ...audience,
      name,
      description: source.description,
      subject: source.subject,
      body: source.body,
      fromEmail: source.fromEmail,
      fromName: source.fromName,
      replyTo: source.replyTo,
      templateId: source.templateId,
      status: 'DRAFT',
      totalRecipients: await countCampaignAudience(tx, audience, now),
    });
    await recordActivity(tx, audit(ctx, 'campaign.duplicated', row, `Campaign "${source.name}" duplicated as "${row.name}"`, { sourceCampaignId: source.id }));
    return row;
  });
}

/** Archived campaigns leave the default listing; archiving is orthogonal to the status (notes §2.3). */
export async function setCampaignArchived(deps: Pick<CampaignDeps, 'db'>, ctx: ProjectActionContext, id: string, archived: boolean): Promise<CampaignRow> {
  return deps.db.transaction(async (tx) => {
    const campaign = await lockCampaignOr404(tx, ctx.projectId, id);
    if (campaign.archived === archived) return campaign;
    const row = (await q.updateCampaignRow(tx, ctx.projectId, campaign.id, { archived }))!;
    const type = archived ? 'campaign.archived' : 'campaign.unarchived';
    await recordActivity(tx, audit(ctx, type, row, `Campaign "${row.name}" ${archived ? 'archived' : 'unarchived'}`));
    return row;
  });
}

/** `scheduledFor` as given (anything `Date` parses); null sends now. 422 when unparseable or not in the future. */
export function parseScheduledFor(value: string | number | null | undefined, now: Date): Date | null {
  if (value === undefined || value === null || value === '') return null;
  const when = new Date(value);
  if (Number.isNaN(when.getTime())) {
    throw validationError([{ field: 'scheduledFor', code: 'invalid_date', message: 'Invalid scheduledFor date format' }], 'Invalid scheduledFor date format');
  }
  if (when.getTime() <= now.getTime()) {
    throw validationError([{ field: 'scheduledFor', code: 'past_date', message: 'Scheduled time must be in the future' }], 'Scheduled time must be in the future');
  }
  return when;
}

/**
 * POST /campaigns/:id/send: refuses what cannot be sent (already sent or sending → 409, nobody in
 * the audience → 400), then hands over to the lifecycle (send now, or schedule).
 */
export async function requestCampaignSend(deps: CampaignDeps, ctx: ProjectActionContext, id: string, scheduledFor: string | number | null | undefined) {
  const now = deps.clock.now();
  const when = parseScheduledFor(scheduledFor, now);
  const campaign = await getCampaign(deps.db, ctx.projectId, id);
  if (campaign.status !== 'DRAFT' && campaign.status !== 'SCHEDULED') {
    throw new AppError('CONFLICT', 'Campaign has already been sent or is currently sending', { status: campaign.status });
  }
  if ((await countCampaignAudience(deps.db, campaign, now)) === 0) throw new AppError('BAD_REQUEST', 'Campaign has no recipients');
  return sendCampaign({ db: deps.db, queue: deps.queue, clock: deps.clock }, ctx, campaign, when);
}

/** POST /campaigns/:id/cancel: only a SCHEDULED or SENDING campaign (409 otherwise); semantics in the lifecycle. */
export async function requestCampaignCancel(deps: CampaignDeps, ctx: ProjectActionContext, id: string): Promise<CampaignRow> {
  const campaign = await getCampaign(deps.db, ctx.projectId, id);
  if (campaign.status !== 'SCHEDULED' && campaign.status !== 'SENDING') {
    throw new AppError('CONFLICT', 'Can only cancel scheduled or sending campaigns', { status: campaign.status });
  }
  return cancelCampaign({ db: deps.db, queue: deps.queue, clock: deps.clock }, ctx, campaign);
}
