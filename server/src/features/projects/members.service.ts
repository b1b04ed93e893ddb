import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { sha256 } from '../../core/crypto.js';
import { AppError, notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { InvitationRow, MemberRole, ProjectRow } from '../../db/schema/index.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity } from '../activity/activity.service.js';
import { acceptSend } from '../emails/send.service.js';
import * as q from './members.queries.js';
import { assertKeepsAnOwner, assertMayManageMember, requireMembership, type UserActionContext } from './membership.service.js';
import { ensureSystemProject, type ProjectDeps } from './projects.service.js';

export interface MembersDeps extends ProjectDeps {
  queue: JobQueue;
  clock: Clock;
  config: Pick<Config, 'publicUrl' | 'auth'>;
}

export type MemberJson = q.MemberWithEmail;
export type InvitationJson = Pick<InvitationRow, 'id' | 'email' | 'role' | 'createdAt' | 'expiresAt'>;

const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

const invitationJson = (i: InvitationRow): InvitationJson => ({ id: i.id, email: i.email, role: i.role, createdAt: i.createdAt, expiresAt: i.expiresAt });

const memberNotFound = (userId: string) => notFound('RESOURCE_NOT_FOUND', 'Member', userId);

function audit(ctx: UserActionContext, projectId: string, type: string, summary: string, metadata: Record<string, unknown>) {
  return { projectId, actor: ctx.actor, requestId: ctx.requestId, ip: ctx.ip, type, summary, metadata };
}

export async function listProjectMembers(deps: MembersDeps, userId: string, projectId: string) {
  await requireMembership(deps.db, projectId, userId);
  const members = await q.listMembers(deps.db, projectId);
  const invitations = await q.listPendingInvitations(deps.db, projectId, deps.clock.now());
  return { members, invitations: invitations.map(invitationJson) };
}

export type AddMemberResult = { status: 'added'; member: MemberJson } | { status: 'invited'; invitation: InvitationJson };

/**
 * Adds an existing account to the project, or invites the address: an invitation row plus its mail,
 * sent from the system project through the normal pipeline, committed together.
 */
export async function addProjectMember(deps: MembersDeps, ctx: UserActionContext, projectId: string, input: { email: string; role: 'ADMIN' | 'MEMBER' }): Promise<AddMemberResult> {
  const email = input.email.trim().toLowerCase();
  await requireMembership(deps.db, projectId, ctx.actor.id, 'ADMIN');
  // Before the transaction: it may create the system project, and the embedded database runs one transaction at a time.
  const system = await ensureSystemProject(deps);
  return deps.db.transaction(async (tx): Promise<AddMemberResult> => {
    const { project } = await requireMembership(tx, projectId, ctx.actor.id, 'ADMIN');
    const userId = await q.findUserIdByEmail(tx, email);
    if (!userId) {
      const invitation = await inviteByEmail({ ...deps, db: tx as Db }, ctx, { project, system, email, role: input.role });
      return { status: 'invited', invitation: invitationJson(invitation) };
    }
    if (await q.findMember(tx, projectId, userId)) throw new AppError('CONFLICT', `${email} is already a member of this project`);
    await q.insertMember(tx, { projectId, userId, role: input.role });
    await recordActivity(tx, audit(ctx, projectId, 'member.added', `${email} added as ${input.role}`, { userId, email, role: input.role }));
    return { status: 'added', member: (await q.findMember(tx, projectId, userId))! };
  });
}

export async function changeMemberRole(deps: MembersDeps, ctx: UserActionContext, projectId: string, userId: string, role: MemberRole): Promise<MemberJson> {
  return deps.db.transaction(async (tx) => {
    const { role: actorRole } = await requireMembership(tx, projectId, ctx.actor.id, 'ADMIN');
    const member = isUuid(userId) ? await q.findMember(tx, projectId, userId) : undefined;
    if (!member) throw memberNotFound(userId);
    assertMayManageMember(actorRole, member.role, role);
    if (member.role === role) return member;
    if (member.role === 'OWNER') assertKeepsAnOwner(await q.lockOwners(tx, projectId), userId);
    await q.updateMemberRole(tx, projectId, userId, role);
    await recordActivity(
      tx,
      audit(ctx, projectId, 'member.role_changed', `${member.email}'s role changed from ${member.role} to ${role}`, { userId, email: member.email, from: member.role, to: role }),
    );
    return { ...member, role };
  });
}

export async function removeMember(deps: MembersDeps, ctx: UserActionContext, projectId: string, userId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const { role: actorRole } = await requireMembership(tx, projectId, ctx.actor.id, 'ADMIN');
    if (userId === ctx.actor.id) throw new AppError('FORBIDDEN', 'You cannot remove yourself');
    const member = isUuid(userId) ? await q.findMember(tx, projectId, userId) : undefined;
    if (!member) throw memberNotFound(userId);
    assertMayManageMember(actorRole, member.role);
    if (member.role === 'OWNER') assertKeepsAnOwner(await q.lockOwners(tx, projectId), userId);
    await q.deleteMember(tx, projectId, userId);
    await recordActivity(tx, audit(ctx, projectId, 'member.removed', `${member.email} (${member.role}) removed from the project`, { userId, email: member.email, role: member.role }));
  });
}

export async function revokeInvitation(deps: MembersDeps, ctx: UserActionContext, projectId: string, invitationId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await requireMembership(tx, projectId, ctx.actor.id, 'ADMIN');
    const invitation = isUuid(invitationId) ? await q.deletePendingInvitation(tx, projectId, invitationId) : undefined;
    if (!invitation) throw notFound('RESOURCE_NOT_FOUND', 'Invitation', invitationId);
    await recordActivity(
      tx,
      audit(ctx, projectId, 'invitation.revoked', `Invitation of ${invitation.email} (${invitation.role}) revoked`, {
        invitationId: invitation.id,
        email: invitation.email,
        role: invitation.role,
      }),
    );
  });
}

/**
 * A pending invitation (replacing an earlier one for the same address) and its mail. `deps.db` is the
 * caller's transaction. Only the token's SHA-256 is stored; the token itself exists only in the mail.
 */
async function inviteByEmail(
  deps: MembersDeps,
  ctx: UserActionContext,
  input: { project: ProjectRow; system: ProjectRow; email: string; role: 'ADMIN' | 'MEMBER' },
): Promise<InvitationRow> {
  const { project, system, email, role } = input;
  const token = randomBytes(32).toString('hex');
  const now = deps.clock.now();
  const invitation = await q.replaceInvitation(deps.db, {
    projectId: project.id,
    email,
    role,
    tokenHash: sha256(token).toString('hex'),
    invitedBy: ctx.actor.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
  });
  await recordActivity(deps.db, audit(ctx, project.id, 'member.invited', `${email} invited as ${role}`, { invitationId: invitation.id, email, role }));
  const link = `${deps.config.publicUrl}/signup?invite=${token}&email=${encodeURIComponent(email)}`;
  // User-provided text (the project name) goes in as render data, so the renderer escapes it.
  const vars = { projectName: project.name, role, inviteUrl: link };
  await acceptSend(
    deps,
    { project: system, projectId: system.id, actor: ctx.actor, requestId: ctx.requestId ?? null, ip: ctx.ip ?? null },
    {
      to: email,
      from: { email: deps.config.auth.systemFrom, name: 'Mailwright' },
      subject: 'You are invited to {{ projectName }} on Mailwright',
      body: [
        '<p>You have been invited to join the project <strong>{{ projectName }}</strong> on Mailwright as {{ role }}.</p>',
        '<p><a href="{{ inviteUrl }}">Create your account and join</a></p>',
        '<p>Or paste this link into your browser: {{ inviteUrl }}</p>',
        '<p>The invitation expires in 7 days. If you did not expect it, ignore this email.</p>',
      ].join('\n'),
      // Used for this one email only: never stored on the recipient's contact.
      data: Object.fromEntries(Object.entries(vars).map(([k, value]) => [k, { value, persistent: false }])),
    },
  );
  return invitation;
}
