import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { createDomain, listDomains } from '../../api/domains';
import type { SendingDomain } from '../../api/types';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextField } from '../../components/ui/input';
import { Card, PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { formatDate, formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/use-page-title';
import { canManage, useProject } from '../projects/project-context';
import { DeleteDomainDialog } from './delete-domain-dialog';
import { DomainStatusBadge } from './domain-badges';
import { domainKeys } from './domain-keys';

const ADD_DOMAIN_INPUT = 'add-domain';

export function DomainsPage() {
  usePageTitle('Domains');
  const { project } = useProject();
  const queryClient = useQueryClient();
  const toast = useToast();
  const admin = canManage(project.role);
  const domains = useQuery({ queryKey: domainKeys.list(project.id), queryFn: () => listDomains(project.id) });
  const [removing, setRemoving] = useState<SendingDomain | null>(null);

  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Domains"
        description="Sending domains let Mailwright sign your mail with DKIM and pass SPF and DMARC, so it reaches the inbox. Add the domain of your From address, publish the DNS records it lists, then check it."
      />
      <div className="space-y-6">
        {admin ? (
          <AddDomainForm projectId={project.id} existing={domains.data?.map((d) => d.domain) ?? []} />
        ) : (
          <p className="rounded-md border border-slate-200 bg-white p-4 text-sm text-slate-700">
            Only project owners and admins can add or remove sending domains. You can view the DNS records and check a domain.
          </p>
        )}

        {domains.isPending ? (
          <LoadingBlock label="Loading domains…" />
        ) : domains.isError ? (
          <ErrorAlert error={domains.error} title="Could not load the sending domains" onRetry={() => void domains.refetch()} />
        ) : domains.data.length === 0 ? (
          <EmptyState
            title="No sending domains yet"
            description={
              <>
                Add your sending domain to sign mail with DKIM and pass SPF and DMARC checks. You get a few DNS records to publish at your DNS provider; once
                they are in place, Mailwright verifies the domain and keeps checking it.
                {!admin && ' Ask a project owner or admin to add one.'}
              </>
            }
            action={
              admin ? (
                <Button variant="primary" onClick={() => document.getElementById(ADD_DOMAIN_INPUT)?.focus()}>
                  Add your sending domain
                </Button>
              ) : undefined
            }
          />
        ) : (
          <Table label="Sending domains">
            <THead>
              <Th>Domain</Th>
              <Th>Status</Th>
              <Th>Last checked</Th>
              <Th>Added</Th>
              {admin && (
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              )}
            </THead>
            <TBody>
              {domains.data.map((d) => (
                <tr key={d.id} className="hover:bg-slate-50">
                  <Td className="min-w-[12rem]">
                    <Link
                      to="/p/$projectId/domains/$domainId"
                      params={{ projectId: project.id, domainId: d.id }}
                      className="font-medium break-all text-blue-800 hover:underline"
                    >
                      {d.domain}
                    </Link>
                  </Td>
                  <Td className="min-w-[14rem] max-w-md">
                    <DomainStatusBadge status={d.status} />
                    {d.status !== 'VERIFIED' && (
                      <p className="mt-1 text-xs break-words text-slate-700">
                        {d.failureReason ?? (d.lastCheckedAt ? 'Not verified yet.' : 'Publish the DNS records, then check the domain.')}
                      </p>
                    )}
                  </Td>
                  <Td className="whitespace-nowrap">{d.lastCheckedAt ? formatDateTime(d.lastCheckedAt) : 'Never'}</Td>
                  <Td className="whitespace-nowrap">{formatDate(d.createdAt)}</Td>
                  {admin && (
                    <Td className="text-right">
                      <Button size="sm" variant="ghost" aria-label={`Remove ${d.domain}`} onClick={() => setRemoving(d)}>
                        Remove
                      </Button>
                    </Td>
                  )}
                </tr>
              ))}
            </TBody>
          </Table>
        )}
      </div>

      <DeleteDomainDialog
        projectId={project.id}
        domain={removing}
        onClose={() => setRemoving(null)}
        onDeleted={(d) => {
          setRemoving(null);
          queryClient.removeQueries({ queryKey: domainKeys.one(project.id, d.id) });
          void queryClient.invalidateQueries({ queryKey: domainKeys.list(project.id) });
          toast.show(`${d.domain} was removed.`);
        }}
      />
    </div>
  );
}

/** Obvious mistakes caught before a request (the server still decides: public suffixes, IDNs, lengths). */
function checkDomain(value: string, existing: string[]): string | null {
  const domain = value.trim().toLowerCase().replace(/\.$/, '');
  if (/^[a-z]+:\/\//.test(domain) || /[\s@/:]/.test(domain)) return 'Enter the bare domain, without "https://", a path or an email address, e.g. example.com.';
  if (!domain.includes('.')) return 'A sending domain needs at least one dot, e.g. example.com.';
  if (existing.includes(domain)) return `${domain} is already a sending domain of this project.`;
  return null;
}

function AddDomainForm({ projectId, existing }: { projectId: string; existing: string[] }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [domain, setDomain] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => createDomain(projectId, domain.trim()),
    onSuccess: async (created) => {
      queryClient.setQueryData(domainKeys.one(projectId, created.id), created);
      void queryClient.invalidateQueries({ queryKey: domainKeys.list(projectId) });
      toast.show(`${created.domain} added. Publish its DNS records next.`);
      setDomain('');
      await navigate({ to: '/p/$projectId/domains/$domainId', params: { projectId, domainId: created.id } });
    },
  });
  // Answers about the name itself (invalid, already added) belong next to the field.
  const err = add.error;
  const fieldError =
    localError ??
    (err instanceof ApiError && (err.status === 400 || err.status === 409 || err.status === 422)
      ? (err.fieldErrors.find((f) => f.field === 'domain')?.message ?? err.message)
      : null);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problem = checkDomain(domain, existing);
    setLocalError(problem);
    if (!problem && domain.trim()) add.mutate();
  };
  return (
    <Card title="Add a sending domain">
      {add.isError && !fieldError && (
        <div className="mb-4">
          <ErrorAlert error={add.error} title="Could not add the domain" />
        </div>
      )}
      <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-start gap-3">
        <TextField
          id={ADD_DOMAIN_INPUT}
          label="Domain"
          name="domain"
          required
          maxLength={300}
          autoComplete="off"
          spellCheck={false}
          placeholder="example.com"
          className="min-w-[14rem] flex-1"
          value={domain}
          error={fieldError}
          hint="The domain of your From address, e.g. example.com. A verified domain also covers its subdomains (news.example.com)."
          onChange={(e) => {
            setDomain(e.target.value);
            setLocalError(null);
            if (add.isError) add.reset();
          }}
        />
        <Button type="submit" variant="primary" className="sm:mt-6" loading={add.isPending} disabled={!domain.trim()}>
          Add domain
        </Button>
      </form>
    </Card>
  );
}
