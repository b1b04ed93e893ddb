import { z } from 'zod';
import type { InvitationRow } from '../../db/schema/index.js';
import type { MemberJson as MemberWithEmail } from './members.service.js';

// Accounts are stored lowercased and trimmed; the invitation is matched against the signup address the same way.
const memberEmail = z
  .string()
  .max(400)
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be a valid email address' }).max(254));

export const projectMemberParams = z.object({ id: z.string().max(100), userId: z.string().max(100) });
export const invitationParams = z.object({ id: z.string().max(100), invitationId: z.string().max(100) });

export const addMemberBody = z.object({
  email: memberEmail,
  role: z.enum(['ADMIN', 'MEMBER']).default('MEMBER'),
});

export const changeRoleBody = z.object({ role: z.enum(['OWNER', 'ADMIN', 'MEMBER']) });

export const memberResponse = z.object({ userId: z.string(), email: z.string(), role: z.enum(['OWNER', 'ADMIN', 'MEMBER']), createdAt: z.string() });

export const invitationResponse = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(['OWNER', 'ADMIN', 'MEMBER']),
  createdAt: z.string(),
  expiresAt: z.string(),
});

export const membersListResponse = z.object({ members: z.array(memberResponse), invitations: z.array(invitationResponse) });

export const addMemberResponse = z.discriminatedUnion('status', [
  z.object({ status: z.literal('added'), member: memberResponse }),
  z.object({ status: z.literal('invited'), invitation: invitationResponse }),
]);

export const toMemberJson = (m: MemberWithEmail) => ({ userId: m.userId, email: m.email, role: m.role, createdAt: m.createdAt.toISOString() });

export const toInvitationJson = (i: Pick<InvitationRow, 'id' | 'email' | 'role' | 'createdAt' | 'expiresAt'>) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  createdAt: i.createdAt.toISOString(),
  expiresAt: i.expiresAt.toISOString(),
});
