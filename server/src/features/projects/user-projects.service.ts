import { AppError } from '../../core/errors.js';
import type { Db } from '../../db/client.js';
import type { MemberRole, ProjectRow } from '../../db/schema/index.js';
import { recordActivity } from '../activity/activity.service.js';
import { revealKeyPair } from '../keys/keys.js';
import { listUserProjects } from './members.queries.js';
import { requireMembership, type UserActionContext } from './membership.service.js';
import * as q from './projects.queries.js';
import { createProject, rotateProjectKeys, type ProjectDeps } from './projects.service.js';

// The dashboard's view of projects: always through the caller's membership, never the system project.

export interface UserProjectJson {
  id: string;
  name: string;
  role: MemberRole;
  createdAt: Date;
  disabled: boolean;
}

const projectJson = (p: ProjectRow, role: MemberRole): UserProjectJson => ({ id: p.id, name: p.name, role, createdAt: p.createdAt, disabled: p.disabled });

export async function listMyProjects(deps: Pick<ProjectDeps, 'db'>, userId: string): Promise<UserProjectJson[]> {
  return (await listUserProjects(deps.db, userId)).map((m) => projectJson(m.project, m.role));
}

/** The project, its keys and the creator's OWNER membership, in one transaction. */
export async function createMyProject(deps: ProjectDeps, ctx: UserActionContext, name: string) {
  const created = await createProject(deps, ctx, { name }, { ownerId: ctx.actor.id });
  return { id: created.id, name: created.name, role: 'OWNER' as const, public: created.publicKey, secret: created.secretKey, createdAt: created.createdAt };
}

export async function renameMyProject(deps: ProjectDeps, ctx: UserActionContext, projectId: string, name: string): Promise<UserProjectJson> {
  return deps.db.transaction(async (tx) => {
    const { project, role } = await requireMembership(tx, projectId, ctx.actor.id, 'ADMIN');
    const renamed = await q.renameProject(tx, project.id, name);
    if (!renamed) throw new AppError('FORBIDDEN', 'You are not a member of this project');
    if (project.name !== name) {
      await recordActivity(tx, {
        projectId: project.id,
        actor: ctx.actor,
        requestId: ctx.requestId,
        ip: ctx.ip,
        type: 'project.renamed',
        summary: `Project renamed from "${project.name}" to "${name}"`,
        metadata: { from: project.name, to: name },
      });
    }
    return projectJson(renamed, role);
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
