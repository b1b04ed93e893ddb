import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { CAMPAIGN_STATUSES, campaignKeys, listCampaigns, type CampaignStatus } from '../../api/campaigns';
import { buttonClass } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField } from '../../components/ui/input';
import { PageHeader } from '../../components/ui/page-header';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { formatDateTime, formatNumber } from '../../lib/format';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { CampaignStatusBadge } from './campaign-badges';

const PAGE_SIZE = 20;

export function CampaignsPage() {
  usePageTitle('Campaigns');
  const { project } = useProject();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<CampaignStatus | ''>('');
  const campaigns = useQuery({
    queryKey: [...campaignKeys.list(project.id), page, status],
    queryFn: () => listCampaigns(project.id, { page, pageSize: PAGE_SIZE, status: status || undefined }),
    placeholderData: keepPreviousData,
  });
  const newButton = (
    <Link to="/p/$projectId/campaigns/$campaignId" params={{ projectId: project.id, campaignId: 'new' }} className={buttonClass('primary')}>
      New campaign
    </Link>
  );

  return (
    <div className="max-w-6xl">
      <PageHeader title="Campaigns" description="One email to many contacts: everyone, a segment, or a filter. Save a draft, send a test, then send now or schedule it." actions={newButton} />
      <div className="mb-4 max-w-xs">
        <SelectField
          label="Status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as CampaignStatus | '');
            setPage(1);
          }}
        >
          <option value="">All statuses</option>
          {CAMPAIGN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0) + s.slice(1).toLowerCase()}
            </option>
          ))}
        </SelectField>
      </div>
      {campaigns.isPending ? (
        <LoadingBlock label="Loading campaigns…" />
      ) : campaigns.isError ? (
        <ErrorAlert error={campaigns.error} title="Could not load campaigns" onRetry={() => void campaigns.refetch()} />
      ) : campaigns.data.data.length === 0 ? (
        <EmptyState
          title={status ? 'No campaigns with this status' : 'No campaigns yet'}
          description="A campaign sends one email to an audience: all subscribed contacts, a segment, or contacts matching a filter. Marketing campaigns skip unsubscribed contacts."
          action={status ? undefined : newButton}
        />
      ) : (
        <>
          <Table label="Campaigns">
            <THead>
              <Th>Name</Th>
              <Th>Status</Th>
              <Th className="text-right">Recipients</Th>
              <Th>Sent</Th>
              <Th>Updated</Th>
            </THead>
            <TBody>
              {campaigns.data.data.map((c) => (
                <tr key={c.id} className="hover:bg-slate-50">
                  <Td className="min-w-[14rem] max-w-md">
                    <Link to="/p/$projectId/campaigns/$campaignId" params={{ projectId: project.id, campaignId: c.id }} className="font-medium break-words text-blue-800 hover:underline">
                      {c.name}
                    </Link>
                    <p className="mt-0.5 text-xs break-words text-slate-700">{c.subject}</p>
                  </Td>
                  <Td>
                    <CampaignStatusBadge status={c.status} />
                    {c.status === 'SCHEDULED' && c.scheduledFor && <span className="block text-xs text-slate-700">for {formatDateTime(c.scheduledFor)}</span>}
                  </Td>
                  <Td className="text-right whitespace-nowrap tabular-nums">
                    <span data-testid="campaign-recipient-count">{formatNumber(c.totalRecipients)}</span>
                  </Td>
                  <Td className="whitespace-nowrap">{c.sentAt ? formatDateTime(c.sentAt) : '—'}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(c.updatedAt)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
          {campaigns.data.totalPages > 1 && (
            <Pager
              label="Campaign pages"
              hasPrevious={page > 1}
              hasNext={page < campaigns.data.totalPages}
              onPrevious={() => setPage((p) => Math.max(1, p - 1))}
              onNext={() => setPage((p) => p + 1)}
              status={`Page ${page} of ${campaigns.data.totalPages} · ${formatNumber(campaigns.data.total)} campaigns`}
              busy={campaigns.isFetching}
            />
          )}
        </>
      )}
    </div>
  );
}
