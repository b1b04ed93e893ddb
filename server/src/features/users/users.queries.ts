import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { passwordResets, projectInvitations, projectMembers, users, type InvitationRow, type MemberRole, type UserRow } from '../../db/schema/index.js';

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return row;
}

export async function hasAnyUser(db: Executor): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).limit(1);
  return rows.length > 0;
}

/**
 * Inserts the account; undefined when the email is taken. With `owner: 'first'` the account owns
 * the instance when no other account exists; two racing first signups both see an empty table, and
 * the partial unique index on is_instance_owner lets only one of them commit as owner.
 */
export async function insertUser(db: Executor, input: { email: string; passwordHash: string; owner: 'first' | false }): Promise<UserRow | undefined> {
  const [row] = await db
    .insert(users)
    .values({
      email: input.email,
      passwordHash: input.passwordHash,
      isInstanceOwner: input.owner === 'first' ? sql`not exists (select 1 from users)` : false,
    })
    .onConflictDoNothing({ target: users.email })
    .returning();
  return row;
}

export async function updatePasswordHash(db: Executor, userId: string, passwordHash: string, now: Date): Promise<void> {
  await db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId));
}

/** A pending (not accepted, not expired) invitation by its token hash. */
export async function findPendingInvitation(db: Executor, tokenHash: string, now: Date): Promise<InvitationRow | undefined> {
  const [row] = await db
    .select()
    .from(projectInvitations)
    .where(and(eq(projectInvitations.tokenHash, tokenHash), isNull(projectInvitations.acceptedAt), gt(projectInvitations.expiresAt, now)))
    .limit(1);
  return row;
}

/** Marks the invitation accepted, once: a concurrent acceptance of the same invitation gets undefined. */
export async function acceptInvitation(db: Executor, id: string, now: Date): Promise<InvitationRow | undefined> {
  const [row] = await db
    .update(projectInvitations)
    .set({ acceptedAt: now })
    .where(and(eq(projectInvitations.id, id), isNull(projectInvitations.acceptedAt), gt(projectInvitations.expiresAt, now)))
    .returning();
  return row;
}

export async function insertMembership(db: Executor, row: { projectId: string; userId: string; role: MemberRole }): Promise<void> {
  await db.insert(projectMembers).values(row).onConflictDoNothing();
}

export async function insertPasswordReset(db: Executor, row: { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await db.insert(passwordResets).values(row);
}

/** The user a live (unused, unexpired) reset token belongs to. */
export async function findLivePasswordReset(db: Executor, tokenHash: string, now: Date): Promise<{ userId: string } | undefined> {
  const [row] = await db
    .select({ userId: passwordResets.userId })
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
    .limit(1);
  return row;
}

/** Uses the token up, atomically: of two concurrent resets with one token, only one gets the user id. */
export async function consumePasswordReset(db: Executor, tokenHash: string, now: Date): Promise<string | undefined> {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
    .returning({ userId: passwordResets.userId });
  return row?.userId;
}

/** After a reset, the user's other outstanding links stop working too. */
export async function expireOtherPasswordResets(db: Executor, userId: string, keepTokenHash: string, now: Date): Promise<void> {
  await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt), ne(passwordResets.tokenHash, keepTokenHash)));
}

/** OWNER membership in every ordinary project that has no members at all. */
export async function adoptMemberlessProjects(db: Executor, userId: string): Promise<void> {
  await db.execute(sql`
    insert into project_members (project_id, user_id, role)
    select p.id, ${userId}, 'OWNER' from projects p
    where not p.is_system and not exists (select 1 from project_members m where m.project_id = p.id)`);
}
