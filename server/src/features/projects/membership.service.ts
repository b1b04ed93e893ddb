import { AppError } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Executor } from '../../db/client.js';
import type { MemberRole, ProjectRow } from '../../db/schema/index.js';
import { findMembership } from './members.queries.js';

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
