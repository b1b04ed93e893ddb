import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { deleteContact, getContact, updateContact } from '../../api/contacts';
import type { Contact } from '../../api/types';
import { Button, buttonClass } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/dialog';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { Card, PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { Switch } from '../../components/ui/switch';
import { useToast } from '../../components/ui/toast';
import { formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { ContactDataCard } from './contact-data-card';
import { ContactEmailsCard, ContactEventsCard } from './contact-history';

const route = getRouteApi('/p/$projectId/contacts/$contactId');

export function ContactDetailPage() {
  const { contactId } = route.useParams();
  const { project } = useProject();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [deleting, setDeleting] = useState(false);
  const key = ['contact', project.id, contactId];
  const contact = useQuery({ queryKey: key, queryFn: () => getContact(project.id, contactId) });
  usePageTitle(contact.data ? contact.data.email : 'Contact');

  const setContact = (c: Contact) => {
    queryClient.setQueryData(key, c);
    void queryClient.invalidateQueries({ queryKey: ['contacts', project.id] });
  };
  const subscription = useMutation({
    mutationFn: (subscribed: boolean) => updateContact(project.id, contactId, { subscribed }),
    onSuccess: (c) => {
      setContact(c);
      toast.show(c.subscribed ? 'Contact subscribed.' : 'Contact unsubscribed.');
    },
    onError: (err) => toast.show(`Could not change the subscription: ${err.message}`, 'error'),
  });
  const remove = useMutation({
    mutationFn: () => deleteContact(project.id, contactId),
    onSuccess: async () => {
      setDeleting(false);
      queryClient.removeQueries({ queryKey: key });
      await queryClient.invalidateQueries({ queryKey: ['contacts', project.id] });
      toast.show('Contact deleted.');
      await navigate({ to: '/p/$projectId/contacts', params: { projectId: project.id } });
    },
  });

  const back = (
    <Link to="/p/$projectId/contacts" params={{ projectId: project.id }} className="text-sm font-medium text-blue-800 hover:underline">
      ← All contacts
    </Link>
  );

  if (contact.isPending) return <LoadingBlock label="Loading contact…" />;
  if (contact.isError) {
    if (contact.error instanceof ApiError && contact.error.status === 404) {
      return (
        <div className="max-w-3xl space-y-4">
          {back}
          <h1 className="text-2xl font-semibold text-slate-900">Contact not found</h1>
          <EmptyState
            title="This contact does not exist"
            description="It may have been deleted."
            action={<Link to="/p/$projectId/contacts" params={{ projectId: project.id }} className={buttonClass('primary')}>Back to contacts</Link>}
          />
        </div>
      );
    }
    return (
      <div className="max-w-3xl space-y-4">
        {back}
        <h1 className="text-2xl font-semibold text-slate-900">Contact</h1>
        <ErrorAlert error={contact.error} title="Could not load the contact" onRetry={() => void contact.refetch()} />
      </div>
    );
  }

  const c = contact.data;
  return (
    <div className="max-w-5xl">
      <div className="mb-2">{back}</div>
      <PageHeader
        title={c.email}
        description="Contact"
        actions={
          <Button variant="danger" onClick={() => setDeleting(true)}>
            Delete contact
          </Button>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Details">
          <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[8rem_1fr]">
            <dt className="font-medium text-slate-700">ID</dt>
            <dd className="font-mono text-xs break-all text-slate-900">{c.id}</dd>
            <dt className="font-medium text-slate-700">Email</dt>
            <dd className="break-all text-slate-900">{c.email}</dd>
            <dt className="font-medium text-slate-700">Created</dt>
            <dd className="text-slate-900">{formatDateTime(c.createdAt)}</dd>
            <dt className="font-medium text-slate-700">Updated</dt>
            <dd className="text-slate-900">{formatDateTime(c.updatedAt)}</dd>
          </dl>
          <div className="mt-5 border-t border-slate-200 pt-4">
            <Switch
              label="Subscribed"
              checked={c.subscribed}
              disabled={subscription.isPending}
              onChange={(next) => subscription.mutate(next)}
              hint={c.subscribed ? 'Receives marketing email.' : 'Receives transactional email only.'}
            />
          </div>
        </Card>
        <ContactDataCard projectId={project.id} contact={c} onSaved={setContact} />
        <ContactEventsCard projectId={project.id} contactId={c.id} />
        <ContactEmailsCard projectId={project.id} contactId={c.id} />
      </div>

      <ConfirmDialog
        open={deleting}
        onClose={() => {
          setDeleting(false);
          remove.reset();
        }}
        onConfirm={() => remove.mutate()}
        busy={remove.isPending}
        title="Delete this contact?"
        confirmLabel="Delete contact"
        description={`${c.email} is deleted permanently, together with its events and email history.`}
      >
        {remove.isError && <ErrorAlert error={remove.error} title="Could not delete the contact" />}
      </ConfirmDialog>
    </div>
  );
}
