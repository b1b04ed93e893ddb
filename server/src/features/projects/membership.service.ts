import { AppError } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Executor } from '../../db/client.js';
import type { MemberRole, ProjectRow } from '../../db/schema/index.js';
import type { ActionContext } from '../activity/activity.service.js';
import { findMembership, findUserIdByEmail } from './members.queries.js';

/** A dashboard user acting on a project: `actor.id` is the user's id. */
export interface UserActionContext extends ActionContext {
  actor: { type: 'user'; id: string };
}

const RANK: Record<MemberRole, number> = { MEMBER: 1, ADMIN: 2, OWNER: 3 };

export function roleAtLeast(role: MemberRole, needed: MemberRole): boolean {
  return RANK[role] >= RANK[needed];
}

/**
 * The user's project and role. Unknown project and "not a member" fail the same way (403),
 * so a session cannot probe which project ids exist.
 */
export async function requireMembership(db: Executor, projectId: string, userId: string, needed: MemberRole = 'MEMBER'): Promise<{ project: ProjectRow; role: MemberRole }> {
  const found = isUuid(projectId) ? await findMembership(db, projectId, userId) : undefined;
  if (!found || found.project.isSystem) throw new AppError('FORBIDDEN', 'You are not a member of this project');
  if (!roleAtLeast(found.role, needed)) {
    throw new AppError('FORBIDDEN', `This action needs the ${needed} role or higher; you are ${found.role}`);
  }
  return found;
}

/**
 * May `actor` move a member from `current` to `next` (or remove them, without `next`)? ADMIN+ manages
 * ADMINs and MEMBERs; anything that involves the OWNER role (granting, revoking, removing) needs an OWNER.
 */
export function assertMayManageMember(actor: MemberRole, current: MemberRole, next?: MemberRole): void {
  if (!roleAtLeast(actor, 'ADMIN')) throw new AppError('FORBIDDEN', `Managing members needs the ADMIN role or higher; you are ${actor}`);
  if ((current === 'OWNER' || next === 'OWNER') && actor !== 'OWNER') {
    throw new AppError('FORBIDDEN', current === 'OWNER' ? 'Only an OWNER can change or remove another OWNER' : 'Only an OWNER can grant the OWNER role');
  }
}

/** A project always keeps at least one OWNER. `owners` are the current owners' user ids. */
export function assertKeepsAnOwner(owners: string[], leaving: string): void {
  if (owners.length === 1 && owners[0] === leaving) {
    throw new AppError('CONFLICT', 'A project must keep at least one OWNER: make someone else OWNER first');
  }
}

/** Whether `email` is the account address of a member of the project (campaign test sends go only there). */
export async function isProjectMemberEmail(db: Executor, projectId: string, email: string): Promise<boolean> {
  const userId = await findUserIdByEmail(db, email.trim().toLowerCase());
  return !!userId && !!(await findMembership(db, projectId, userId));
}
