import { AppError } from '../../core/errors.js';
import type { Db } from '../../db/client.js';
import type { MemberRole, ProjectRow, TrackingMode } from '../../db/schema/index.js';
import { recordActivity } from '../activity/activity.service.js';
import { revealKeyPair } from '../keys/keys.js';
import { listUserProjects } from './members.queries.js';
import { requireMembership, type UserActionContext } from './membership.service.js';
import * as q from './projects.queries.js';
import { createProject, rotateProjectKeys, type ProjectDeps } from './projects.service.js';
import { updateProjectSettings, type ProjectSettings } from './user-projects.queries.js';

// The dashboard's view of projects: always through the caller's membership, never the system project.

export interface UserProjectJson {
  id: string;
  name: string;
  role: MemberRole;
  createdAt: Date;
  disabled: boolean;
  tracking: TrackingMode;
  postalAddress: string | null;
  language: string;
}

const projectJson = (p: ProjectRow, role: MemberRole): UserProjectJson => ({
  id: p.id,
  name: p.name,
  role,
  createdAt: p.createdAt,
  disabled: p.disabled,
  tracking: p.tracking,
  postalAddress: p.postalAddress,
  language: p.language,
});

export async function listMyProjects(deps: Pick<ProjectDeps, 'db'>, userId: string): Promise<UserProjectJson[]> {
  return (await listUserProjects(deps.db, userId)).map((m) => projectJson(m.project, m.role));
}

/** The project, its keys and the creator's OWNER membership, in one transaction. */
export async function createMyProject(deps: ProjectDeps, ctx: UserActionContext, name: string) {
  const created = await createProject(deps, ctx, { name }, { ownerId: ctx.actor.id });
  return { id: created.id, name: created.name, role: 'OWNER' as const, public: created.publicKey, secret: created.secretKey, createdAt: created.createdAt };
}

export async function getMyProject(deps: Pick<ProjectDeps, 'db'>, userId: string, projectId: string): Promise<UserProjectJson> {
  const { project, role } = await requireMembership(deps.db, projectId, userId);
  return projectJson(project, role);
}

const SETTING_KEYS = ['tracking', 'postalAddress', 'language'] as const;

/**
 * Name and settings (ADMIN+). A new name is recorded as `project.renamed`, changed settings as
 * `project.updated` with their old and new values.
 */
export async function updateMyProject(deps: ProjectDeps, ctx: UserActionContext, projectId: string, input: ProjectSettings): Promise<UserProjectJson> {
  return deps.db.transaction(async (tx) => {
    const { project, role } = await requireMembership(tx, projectId, ctx.actor.id, 'ADMIN');
    const updated = await updateProjectSettings(tx, project.id, input);
    if (!updated) throw new AppError('FORBIDDEN', 'You are not a member of this project');
    const base = { projectId: project.id, actor: ctx.actor, requestId: ctx.requestId, ip: ctx.ip };
    if (input.name !== undefined && project.name !== input.name) {
      await recordActivity(tx, {
        ...base,
        type: 'project.renamed',
        summary: `Project renamed from "${project.name}" to "${input.name}"`,
        metadata: { from: project.name, to: input.name },
      });
    }
    const changed = SETTING_KEYS.filter((k) => input[k] !== undefined && input[k] !== project[k]);
    if (changed.length) {
      await recordActivity(tx, {
        ...base,
        type: 'project.updated',
        summary: `Project settings changed: ${changed.join(', ')}`,
        metadata: { changes: Object.fromEntries(changed.map((k) => [k, { from: project[k], to: updated[k] }])) },
      });
    }
    return projectJson(updated, role);
  });
}

/** Deletes the project and everything in it (tables cascade; the request log is removed explicitly). */
export async function deleteMyProject(deps: ProjectDeps, ctx: UserActionContext, projectId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const { project } = await requireMembership(tx, projectId, ctx.actor.id, 'OWNER');
    await q.deleteProject(tx, project.id);
  });
}

export async function getMyProjectKeys(deps: ProjectDeps, userId: string, projectId: string) {
  const { project } = await requireMembership(deps.db, projectId, userId);
  const keys = revealKeyPair(project, deps.masterKey);
  return { public: keys.publicKey, secret: keys.secretKey, rotatedAt: project.keysRotatedAt };
}

/** Both keys replaced at once; the Activity entry names the user who did it. */
export async function regenerateMyProjectKeys(deps: ProjectDeps, ctx: UserActionContext, projectId: string) {
  const rotated = await deps.db.transaction(async (tx) => {
    await requireMembership(tx, projectId, ctx.actor.id, 'ADMIN');
    return rotateProjectKeys({ ...deps, db: tx as Db }, ctx, projectId);
  });
  const { id, name, publicKey, secretKey, createdAt, updatedAt, disabled } = rotated;
  return { id, name, public: publicKey, secret: secretKey, createdAt, updatedAt, disabled };
}
