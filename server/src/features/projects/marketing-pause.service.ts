import { AppError } from '../../core/errors.js';
import type { Db } from '../../db/client.js';
import type { ProjectRow } from '../../db/schema/index.js';
import { recordActivity } from '../activity/activity.service.js';
import * as q from './marketing-pause.queries.js';
import { requireMembership, type UserActionContext } from './membership.service.js';

// Marketing sends of a project can be paused (by the reputation guard); transactional mail keeps
// flowing. The delivery worker reads projects.marketing_paused_at before each marketing handoff.

/** Pauses marketing with an Activity entry; false when it was paused already. */
export async function pauseMarketing(db: Db, projectId: string, reason: string, metadata: Record<string, unknown>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const row = await q.setMarketingPaused(tx, projectId, new Date(), reason);
    if (!row) return false;
    await recordActivity(tx, { projectId, actor: { type: 'system' }, type: 'marketing.paused', summary: `Marketing sends paused: ${reason}`.slice(0, 500), metadata });
    return true;
  });
}

/** An OWNER resumes marketing sends; 409 when they are not paused. */
export async function resumeMarketing(deps: { db: Db }, ctx: UserActionContext, projectId: string): Promise<ProjectRow> {
  return deps.db.transaction(async (tx) => {
    await requireMembership(tx, projectId, ctx.actor.id, 'OWNER');
    const row = await q.clearMarketingPause(tx, projectId);
    if (!row) throw new AppError('CONFLICT', 'Marketing sends are not paused for this project');
    await recordActivity(tx, {
      projectId,
      ...ctx,
      type: 'marketing.resumed',
      summary: 'Marketing sends resumed by an owner; the reputation guard counts from now on',
    });
    return row;
  });
}
