import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { getDomain, verifyDomain } from '../../api/domains';
import type { DnsRecord, SendingDomain } from '../../api/types';
import { Badge } from '../../components/ui/badge';
import { Button, buttonClass } from '../../components/ui/button';
import { CopyButton } from '../../components/ui/copy-button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { Card, PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { useToast } from '../../components/ui/toast';
import { formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/use-page-title';
import { canManage, useProject } from '../projects/project-context';
import { DeleteDomainDialog } from './delete-domain-dialog';
import { DomainStatusBadge, RECORD_LABELS, RecordStatusBadge } from './domain-badges';
import { domainKeys } from './domain-keys';

const route = getRouteApi('/p/$projectId/domains/$domainId');

export function DomainDetailPage() {
  const { domainId } = route.useParams();
  const { project } = useProject();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [removing, setRemoving] = useState(false);
  const key = domainKeys.one(project.id, domainId);
  const domain = useQuery({ queryKey: key, queryFn: () => getDomain(project.id, domainId) });
  usePageTitle(domain.data ? `${domain.data.domain} · Domains` : 'Domain');

  const check = useMutation({
    mutationFn: () => verifyDomain(project.id, domainId),
    onSuccess: (d) => {
      queryClient.setQueryData(key, d);
      void queryClient.invalidateQueries({ queryKey: domainKeys.list(project.id) });
      const open = d.records.filter((r) => r.required && r.status !== 'VERIFIED').length;
      if (d.status === 'VERIFIED') toast.show(`${d.domain} is verified: every required DNS record matches.`);
      else toast.show(`${d.domain} is not verified yet: ${open} required record${open === 1 ? '' : 's'} ${open === 1 ? 'does' : 'do'} not match.`, 'info');
    },
  });

  const back = (
    <Link to="/p/$projectId/domains" params={{ projectId: project.id }} className="text-sm font-medium text-blue-800 hover:underline">
      ← All domains
    </Link>
  );

  if (domain.isPending) return <LoadingBlock label="Loading domain…" />;
  if (domain.isError) {
    const missing = domain.error instanceof ApiError && domain.error.status === 404;
    return (
      <div className="max-w-3xl space-y-4">
        {back}
        <h1 className="text-2xl font-semibold text-slate-900">{missing ? 'Domain not found' : 'Domain'}</h1>
        {missing ? (
          <EmptyState
            title="This domain does not exist in this project"
            description="It may have been removed."
            action={
              <Link to="/p/$projectId/domains" params={{ projectId: project.id }} className={buttonClass('primary')}>
                Back to domains
              </Link>
            }
          />
        ) : (
          <ErrorAlert error={domain.error} title="Could not load the domain" onRetry={() => void domain.refetch()} />
        )}
      </div>
    );
  }

  const d = domain.data;
  const admin = canManage(project.role);
  return (
    <div className="max-w-6xl">
      <div className="mb-2">{back}</div>
      <PageHeader
        title={d.domain}
        description={
          <span className="flex flex-wrap items-center gap-2">
            Sending domain <DomainStatusBadge status={d.status} />
          </span>
        }
        actions={
          <>
            <Button variant="primary" loading={check.isPending} onClick={() => check.mutate()}>
              {check.isPending ? 'Checking DNS…' : 'Check now'}
            </Button>
            {admin && (
              <Button variant="danger" onClick={() => setRemoving(true)}>
                Remove domain
              </Button>
            )}
          </>
        }
      />
      <div className="space-y-6">
        {check.isError && <ErrorAlert error={check.error} title="The DNS check did not run" onRetry={() => check.mutate()} />}
        <StatusPanel domain={d} />

        <Card title="Details">
          <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[11rem_1fr]">
            <dt className="font-medium text-slate-700">Status</dt>
            <dd>
              <DomainStatusBadge status={d.status} />
            </dd>
            <dt className="font-medium text-slate-700">DKIM selector</dt>
            <dd className="font-mono break-all text-slate-900">{d.selector}</dd>
            <dt className="font-medium text-slate-700">Return-path host</dt>
            <dd className="font-mono break-all text-slate-900">{d.returnPathHost}</dd>
            <dt className="font-medium text-slate-700">Last checked</dt>
            <dd className="text-slate-900">{d.lastCheckedAt ? formatDateTime(d.lastCheckedAt) : 'Not checked yet'}</dd>
            <dt className="font-medium text-slate-700">Verified</dt>
            <dd className="text-slate-900">{d.verifiedAt ? formatDateTime(d.verifiedAt) : 'Never'}</dd>
            <dt className="font-medium text-slate-700">Added</dt>
            <dd className="text-slate-900">{formatDateTime(d.createdAt)}</dd>
          </dl>
        </Card>

        <Card title="DNS records">
          <div className="mb-4 space-y-2 text-sm text-slate-700">
            <p>
              Publish these records at your DNS provider (where <strong>{d.domain}</strong> is hosted), then select <strong>Check now</strong>. DNS changes can take
              a few minutes, sometimes hours, to appear; Mailwright also re-checks every domain regularly.
            </p>
            <p>
              Many DNS providers append the zone name to the host themselves: there, enter the host without it (in the zone{' '}
              <code className="font-mono">{d.domain}</code>, <code className="font-mono">_dmarc.{d.domain}</code> becomes <code className="font-mono">_dmarc</code>,
              and the domain itself is <code className="font-mono">@</code>). For the MX record, 10 is the priority. If a host already has an SPF record, add
              the mechanisms to it instead of creating a second one: two SPF records make SPF fail.
            </p>
          </div>
          <RecordList domain={d} />
        </Card>
      </div>

      <DeleteDomainDialog
        projectId={project.id}
        domain={removing ? d : null}
        onClose={() => setRemoving(false)}
        onDeleted={async (removed) => {
          setRemoving(false);
          queryClient.removeQueries({ queryKey: key });
          void queryClient.invalidateQueries({ queryKey: domainKeys.list(project.id) });
          toast.show(`${removed.domain} was removed.`);
          await navigate({ to: '/p/$projectId/domains', params: { projectId: project.id } });
        }}
      />
    </div>
  );
}

/** What the status means and, when the domain is not verified, why (the last check's findings). */
function StatusPanel({ domain: d }: { domain: SendingDomain }) {
  if (d.status === 'VERIFIED') {
    return (
      <div className="rounded-md border border-green-300 bg-green-50 p-4 text-sm text-green-900">
        <p className="font-semibold">Verified</p>
        <p className="mt-1">
          Every required DNS record matches{d.verifiedAt ? ` (verified ${formatDateTime(d.verifiedAt)})` : ''}. Mail from addresses at {d.domain} and its
          subdomains is signed with DKIM (selector <code className="font-mono">{d.selector}</code>). Keep the records published: if one disappears, the domain
          becomes unverified and the reason shows here.
        </p>
      </div>
    );
  }
  const failed = d.status === 'FAILED';
  return (
    <div className={`rounded-md border p-4 text-sm ${failed ? 'border-red-300 bg-red-50 text-red-900' : 'border-amber-300 bg-amber-50 text-amber-950'}`}>
      <p className="font-semibold">{failed ? 'No longer verified' : d.lastCheckedAt ? 'Not verified yet' : 'Waiting for DNS records'}</p>
      <p className="mt-1">
        {failed
          ? 'This domain was verified, but a later check found a required record missing or changed. Mail from it is not signed with this domain until the records match again.'
          : d.lastCheckedAt
            ? 'The last check did not find every required record. Fix the records marked below, then check again.'
            : 'Publish the records below at your DNS provider, then select Check now.'}
      </p>
      {d.failureReason && (
        <p className="mt-2 break-words">
          <span className="font-semibold">Reason{d.lastCheckedAt ? ` (checked ${formatDateTime(d.lastCheckedAt)})` : ''}:</span> {d.failureReason}
        </p>
      )}
    </div>
  );
}

function Found({ record }: { record: DnsRecord }) {
  if (record.found === undefined || (record.status === 'PENDING' && record.found.length === 0)) return <span className="text-slate-700">Not checked yet</span>;
  if (record.found.length === 0) return <span className="text-slate-700">Nothing at this host</span>;
  return (
    <ul className="space-y-1">
      {record.found.map((f, i) => (
        <li key={`${i}-${f}`}>
          <code className="font-mono text-xs break-all text-slate-900">{f}</code>
        </li>
      ))}
    </ul>
  );
}

/** One card per record: long values (a DKIM key is ~400 characters) stay readable at any width. */
function RecordList({ domain: d }: { domain: SendingDomain }) {
  return (
    <ul aria-label={`DNS records for ${d.domain}`} className="space-y-4">
      {d.records.map((r) => {
        const label = RECORD_LABELS[r.kind] ?? { name: r.kind, purpose: '' };
        return (
          <li key={`${r.kind}-${r.host}`} className="rounded-md border border-slate-200 p-4">
            <div className="flex flex-wrap items-center gap-2">
              <h3 className="text-sm font-semibold text-slate-900">
                {label.name} record
              </h3>
              {r.required ? <Badge>Required</Badge> : <Badge tone="blue">Recommended</Badge>}
              <RecordStatusBadge record={r} />
            </div>
            {label.purpose && <p className="mt-1 text-xs text-slate-700">{label.purpose}</p>}
            <dl className="mt-3 grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[6rem_1fr] sm:gap-y-3">
              <dt className="font-medium text-slate-700">Type</dt>
              <dd className="font-mono text-slate-900">{r.type}</dd>
              <dt className="mt-2 font-medium text-slate-700 sm:mt-0">Host</dt>
              <dd className="flex items-start gap-2">
                <code className="min-w-0 flex-1 rounded bg-slate-50 px-2 py-1 font-mono text-xs break-all text-slate-900">{r.host}</code>
                <CopyButton value={r.host} label={`Copy host of the ${label.name} record`} />
              </dd>
              <dt className="mt-2 font-medium text-slate-700 sm:mt-0">Value</dt>
              <dd className="flex items-start gap-2">
                <code className="min-w-0 flex-1 rounded bg-slate-50 px-2 py-1 font-mono text-xs break-all text-slate-900">{r.value}</code>
                <CopyButton value={r.value} label={`Copy value of the ${label.name} record`} />
              </dd>
              <dt className="mt-2 font-medium text-slate-700 sm:mt-0">Found</dt>
              <dd>
                <Found record={r} />
              </dd>
            </dl>
          </li>
        );
      })}
    </ul>
  );
}
