import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { projectMembers, projects, type MemberRole, type ProjectRow } from '../../db/schema/index.js';

export async function findMembership(db: Executor, projectId: string, userId: string): Promise<{ project: ProjectRow; role: MemberRole } | undefined> {
  const rows = await db
    .select({ project: projects, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)))
    .limit(1);
  return rows[0];
}
