import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { projectInvitations, projectMembers, projects, users, type InvitationRow, type MemberRole, type ProjectRow } from '../../db/schema/index.js';

export async function findMembership(db: Executor, projectId: string, userId: string): Promise<{ project: ProjectRow; role: MemberRole } | undefined> {
  const rows = await db
    .select({ project: projects, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)))
    .limit(1);
  return rows[0];
}

/** The user's projects with their role; the instance's system project is never among them. */
export async function listUserProjects(db: Executor, userId: string): Promise<{ project: ProjectRow; role: MemberRole }[]> {
  return db
    .select({ project: projects, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(and(eq(projectMembers.userId, userId), eq(projects.isSystem, false)))
    .orderBy(asc(projects.createdAt), asc(projects.id));
}

export async function insertMember(db: Executor, row: { projectId: string; userId: string; role: MemberRole }) {
  const [member] = await db.insert(projectMembers).values(row).returning();
  return member;
}

export interface MemberWithEmail {
  userId: string;
  email: string;
  role: MemberRole;
  createdAt: Date;
}

const memberColumns = { userId: projectMembers.userId, email: users.email, role: projectMembers.role, createdAt: projectMembers.createdAt };

export async function listMembers(db: Executor, projectId: string): Promise<MemberWithEmail[]> {
  return db
    .select(memberColumns)
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(projectMembers.createdAt), asc(users.email));
}

export async function findMember(db: Executor, projectId: string, userId: string): Promise<MemberWithEmail | undefined> {
  const [row] = await db
    .select(memberColumns)
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
  return row;
}

export async function updateMemberRole(db: Executor, projectId: string, userId: string, role: MemberRole): Promise<void> {
  await db.update(projectMembers).set({ role }).where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
}

export async function deleteMember(db: Executor, projectId: string, userId: string): Promise<void> {
  await db.delete(projectMembers).where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
}

/**
 * The project's owners, row-locked until the transaction ends: two owners demoting each other at
 * the same time queue here, so the second one sees that it would leave the project without an owner.
 */
export async function lockOwners(db: Executor, projectId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: projectMembers.userId })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.role, 'OWNER')))
    .orderBy(asc(projectMembers.userId))
    .for('update');
  return rows.map((r) => r.userId);
}

export async function findUserIdByEmail(db: Executor, email: string): Promise<string | undefined> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return row?.id;
}

/**
 * One pending invitation per project and address: an earlier pending one (and its token) is replaced.
 * The advisory lock serialises concurrent invitations of the same address.
 */
export async function replaceInvitation(db: Executor, row: typeof projectInvitations.$inferInsert): Promise<InvitationRow> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`invite:${row.projectId}:${row.email}`}))`);
  await db
    .delete(projectInvitations)
    .where(and(eq(projectInvitations.projectId, row.projectId), eq(projectInvitations.email, row.email), isNull(projectInvitations.acceptedAt)));
  const [inserted] = await db.insert(projectInvitations).values(row).returning();
  return inserted;
}

export async function listPendingInvitations(db: Executor, projectId: string, now: Date): Promise<InvitationRow[]> {
  return db
    .select()
    .from(projectInvitations)
    .where(and(eq(projectInvitations.projectId, projectId), isNull(projectInvitations.acceptedAt), gt(projectInvitations.expiresAt, now)))
    .orderBy(asc(projectInvitations.createdAt), asc(projectInvitations.id));
}

/** Deletes a pending invitation of this project; undefined when there is none with that id. */
export async function deletePendingInvitation(db: Executor, projectId: string, id: string): Promise<InvitationRow | undefined> {
  const [row] = await db
    .delete(projectInvitations)
    .where(and(eq(projectInvitations.projectId, projectId), eq(projectInvitations.id, id), isNull(projectInvitations.acceptedAt)))
    .returning();
  return row;
}
