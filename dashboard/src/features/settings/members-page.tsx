import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { changeMemberRole, inviteMember, listMembers, removeMember, revokeInvitation } from '../../api/projects';
import type { Invitation, Member, Role } from '../../api/types';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/dialog';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField, TextField } from '../../components/ui/input';
import { Card } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { formatDate } from '../../lib/format';
import { canManage, useProject } from '../projects/project-context';
import { SettingsLayout } from './settings-layout';

const ROLE_TONE = { OWNER: 'purple', ADMIN: 'blue', MEMBER: 'neutral' } as const;

type Pending = { kind: 'member'; member: Member } | { kind: 'invitation'; invitation: Invitation } | null;

export function MembersPage() {
  const { project, me } = useProject();
  const queryClient = useQueryClient();
  const toast = useToast();
  const key = ['members', project.id];
  const members = useQuery({ queryKey: key, queryFn: () => listMembers(project.id) });
  const manage = canManage(project.role);
  const [pending, setPending] = useState<Pending>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });

  const roleMutation = useMutation({
    mutationFn: (v: { userId: string; role: Role }) => changeMemberRole(project.id, v.userId, v.role),
    onSuccess: () => {
      toast.show('Role updated.');
      void refresh();
    },
    onError: (err) => toast.show(err.message, 'error'),
  });
  const removal = useMutation({
    mutationFn: (p: NonNullable<Pending>) => (p.kind === 'member' ? removeMember(project.id, p.member.userId) : revokeInvitation(project.id, p.invitation.id)),
    onSuccess: (_data, p) => {
      toast.show(p.kind === 'member' ? `${p.member.email} was removed.` : `Invitation for ${p.invitation.email} revoked.`);
      setPending(null);
      void refresh();
    },
  });

  const roleOptions = (target: Role): Role[] => (project.role === 'OWNER' ? ['OWNER', 'ADMIN', 'MEMBER'] : target === 'OWNER' ? ['OWNER'] : ['ADMIN', 'MEMBER']);
  const mayEdit = (m: Member) => manage && m.userId !== me.id && (project.role === 'OWNER' || m.role !== 'OWNER');

  return (
    <SettingsLayout title="Members">
      <div className="space-y-6">
        {manage ? <InviteForm projectId={project.id} onDone={() => void refresh()} /> : (
          <p className="rounded-md border border-slate-200 bg-white p-4 text-sm text-slate-700">
            You are a <strong>member</strong> of this project. Ask an owner or admin to invite people or change roles.
          </p>
        )}
        {members.isPending ? (
          <LoadingBlock label="Loading members…" />
        ) : members.isError ? (
          <ErrorAlert error={members.error} title="Could not load the members" onRetry={() => void members.refetch()} />
        ) : (
          <>
            <Card title={`Members (${members.data.members.length})`}>
              <Table label="Project members">
                <THead>
                  <Th>Email</Th>
                  <Th>Role</Th>
                  <Th>Joined</Th>
                  {manage && <Th><span className="sr-only">Actions</span></Th>}
                </THead>
                <TBody>
                  {members.data.members.map((m) => (
                    <tr key={m.userId}>
                      <Td className="font-medium">
                        {m.email} {m.userId === me.id && <span className="text-slate-700">(you)</span>}
                      </Td>
                      <Td>
                        {mayEdit(m) ? (
                          <SelectField
                            label={`Role of ${m.email}`}
                            hideLabel
                            value={m.role}
                            disabled={roleMutation.isPending}
                            inputClassName="h-8 w-32"
                            onChange={(e) => roleMutation.mutate({ userId: m.userId, role: e.target.value as Role })}
                          >
                            {roleOptions(m.role).map((r) => (
                              <option key={r} value={r}>
                                {r.charAt(0) + r.slice(1).toLowerCase()}
                              </option>
                            ))}
                          </SelectField>
                        ) : (
                          <Badge tone={ROLE_TONE[m.role]}>{m.role}</Badge>
                        )}
                      </Td>
                      <Td>{formatDate(m.createdAt)}</Td>
                      {manage && (
                        <Td className="text-right">
                          {mayEdit(m) && (
                            <Button size="sm" variant="ghost" aria-label={`Remove ${m.email}`} onClick={() => setPending({ kind: 'member', member: m })}>
                              Remove
                            </Button>
                          )}
                        </Td>
                      )}
                    </tr>
                  ))}
                </TBody>
              </Table>
            </Card>
            <Card title="Pending invitations">
              {members.data.invitations.length === 0 ? (
                <EmptyState
                  title="No pending invitations"
                  description={manage ? 'Invite someone by email above. People without an account get a sign-up link.' : 'Nobody is waiting to join this project.'}
                />
              ) : (
                <Table label="Pending invitations">
                  <THead>
                    <Th>Email</Th>
                    <Th>Role</Th>
                    <Th>Expires</Th>
                    {manage && <Th><span className="sr-only">Actions</span></Th>}
                  </THead>
                  <TBody>
                    {members.data.invitations.map((inv) => (
                      <tr key={inv.id}>
                        <Td className="font-medium">{inv.email}</Td>
                        <Td><Badge tone={ROLE_TONE[inv.role]}>{inv.role}</Badge></Td>
                        <Td>{formatDate(inv.expiresAt)}</Td>
                        {manage && (
                          <Td className="text-right">
                            <Button size="sm" variant="ghost" aria-label={`Revoke invitation for ${inv.email}`} onClick={() => setPending({ kind: 'invitation', invitation: inv })}>
                              Revoke
                            </Button>
                          </Td>
                        )}
                      </tr>
                    ))}
                  </TBody>
                </Table>
              )}
            </Card>
          </>
        )}
      </div>
      <ConfirmDialog
        open={pending !== null}
        onClose={() => {
          setPending(null);
          removal.reset();
        }}
        onConfirm={() => pending && removal.mutate(pending)}
        busy={removal.isPending}
        title={pending?.kind === 'invitation' ? 'Revoke invitation?' : 'Remove member?'}
        confirmLabel={pending?.kind === 'invitation' ? 'Revoke invitation' : 'Remove member'}
        description={
          pending?.kind === 'invitation'
            ? `The invitation link sent to ${pending.invitation.email} will stop working.`
            : pending?.kind === 'member'
              ? `${pending.member.email} will lose access to this project immediately.`
              : ''
        }
      >
        {removal.isError && <ErrorAlert error={removal.error} title="That did not work" />}
      </ConfirmDialog>
    </SettingsLayout>
  );
}

function InviteForm({ projectId, onDone }: { projectId: string; onDone: () => void }) {
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'ADMIN' | 'MEMBER'>('MEMBER');
  const invite = useMutation({
    mutationFn: () => inviteMember(projectId, email.trim(), role),
    onSuccess: (res) => {
      toast.show(res?.status === 'added' ? `${email} was added to the project.` : `Invitation sent to ${email}.`);
      setEmail('');
      onDone();
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (email.trim()) invite.mutate();
  };
  return (
    <Card title="Invite someone">
      {invite.isError && (
        <div className="mb-4">
          <ErrorAlert error={invite.error} title="Could not send the invitation" />
        </div>
      )}
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3">
        <TextField label="Email address" type="email" required className="min-w-[14rem] flex-1" value={email} onChange={(e) => setEmail(e.target.value)} />
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as 'ADMIN' | 'MEMBER')} className="w-36">
          <option value="MEMBER">Member</option>
          <option value="ADMIN">Admin</option>
        </SelectField>
        <Button type="submit" variant="primary" loading={invite.isPending}>
          Send invitation
        </Button>
      </form>
      <p className="mt-3 text-xs text-slate-700">Admins can manage members and keys; members can use everything else.</p>
    </Card>
  );
}
