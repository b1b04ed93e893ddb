import type { Executor } from '../../db/client.js';
import type { ActorType } from '../../db/schema/index.js';
import { redactKeys } from '../keys/keys.js';
import { insertActivities } from './activity.queries.js';

export interface Actor {
  type: ActorType;
  id?: string | null;
}

/** Who acted, and through which request: carried from the edge into every service call. */
export interface ActionContext {
  actor: Actor;
  requestId?: string | null;
  ip?: string | null;
}

export interface ProjectActionContext extends ActionContext {
  projectId: string;
}

export interface ActivityInput {
  projectId: string;
  actor: Actor;
  type: string;
  summary: string;
  requestId?: string | null;
  ip?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** Written in the caller's transaction so the audit row exists exactly when the change does. */
export async function recordActivity(db: Executor, input: ActivityInput | ActivityInput[]): Promise<void> {
  const list = Array.isArray(input) ? input : [input];
  await insertActivities(
    db,
    list.map((a) => ({
      projectId: a.projectId,
      type: a.type,
      actorType: a.actor.type,
      actorId: a.actor.id ?? null,
      // Summaries may quote user input; a pasted key must never land in the audit trail.
      summary: redactKeys(a.summary).slice(0, 500),
      requestId: a.requestId ?? null,
      ip: a.ip ?? null,
      metadata: a.metadata ? JSON.parse(redactKeys(JSON.stringify(a.metadata))) : null,
    })),
  );
}
