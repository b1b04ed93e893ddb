import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { campaignKeys, cancelCampaign, duplicateCampaign, getCampaignStats, listCampaignRecipients, type Campaign, type CampaignStats } from '../../api/campaigns';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/dialog';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { Card } from '../../components/ui/page-header';
import { SandboxedFrame } from '../../components/ui/sandboxed-frame';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { Tabs } from '../../components/ui/tabs';
import { useToast } from '../../components/ui/toast';
import { formatDateTime, formatNumber } from '../../lib/format';

export interface CampaignReportProps {
  projectId: string;
  campaign: Campaign;
  onChanged: (c: Campaign) => void;
}

const AUDIENCE_LABEL = { ALL: 'All contacts', SEGMENT: 'Segment', FILTERED: 'Filter' } as const;

/** The read-only view of a SENDING, SENT or CANCELLED campaign: progress, stats and problem recipients. */
export function CampaignReport({ projectId, campaign, onChanged }: CampaignReportProps) {
  const toast = useToast();
  const navigate = useNavigate();
  const [cancelling, setCancelling] = useState(false);
  const sending = campaign.status === 'SENDING';
  const stats = useQuery({
    queryKey: campaignKeys.stats(projectId, campaign.id),
    queryFn: () => getCampaignStats(projectId, campaign.id),
    refetchInterval: sending ? 2000 : false,
  });
  const cancel = useMutation({
    mutationFn: () => cancelCampaign(projectId, campaign.id),
    onSuccess: (c) => {
      setCancelling(false);
      toast.show('Campaign cancelled.');
      onChanged(c);
    },
  });
  const duplicate = useMutation({
    mutationFn: () => duplicateCampaign(projectId, campaign.id),
    onSuccess: async (c) => {
      toast.show('Campaign duplicated as a new draft.');
      onChanged(c);
      await navigate({ to: '/p/$projectId/campaigns/$campaignId', params: { projectId, campaignId: c.id } });
    },
  });

  const audience = campaign.audienceType === 'SEGMENT' ? `Segment ${campaign.segment?.name ?? campaign.segmentId ?? ''}` : AUDIENCE_LABEL[campaign.audienceType];

  return (
    <div className="space-y-6">
      <Card
        title="Summary"
        actions={
          <div className="flex flex-wrap gap-2">
            {sending && (
              <Button variant="danger" onClick={() => setCancelling(true)}>
                Cancel campaign
              </Button>
            )}
            <Button loading={duplicate.isPending} onClick={() => duplicate.mutate()}>
              Duplicate
            </Button>
          </div>
        }
      >
        {duplicate.isError && <ErrorAlert error={duplicate.error} title="Could not duplicate the campaign" />}
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
          <Item label="Subject" value={campaign.subject} />
          <Item label="From" value={campaign.fromName ? `${campaign.fromName} <${campaign.from}>` : campaign.from} />
          <Item label="Audience" value={audience} />
          <Item label="Type" value={campaign.type === 'MARKETING' ? 'Marketing' : 'Transactional'} />
          <Item label="Recipients" value={formatNumber(campaign.totalRecipients)} />
          <Item label="Started" value={campaign.startedAt ? formatDateTime(campaign.startedAt) : '—'} />
          {campaign.completedAt && <Item label="Completed" value={formatDateTime(campaign.completedAt)} />}
          {campaign.cancelledAt && <Item label="Cancelled" value={formatDateTime(campaign.cancelledAt)} />}
        </dl>
      </Card>

      {stats.isPending ? (
        <LoadingBlock label="Loading stats…" />
      ) : stats.isError ? (
        <ErrorAlert error={stats.error} title="Could not load the stats" onRetry={() => void stats.refetch()} />
      ) : (
        <>
          {sending && <Progress stats={stats.data} />}
          <StatsCard stats={stats.data} />
        </>
      )}

      <RecipientsCard projectId={projectId} campaign={campaign} />

      <Card title="Email">
        <SandboxedFrame html={campaign.body} title="Campaign email" className="h-[28rem]" />
      </Card>

      <ConfirmDialog
        open={cancelling}
        onClose={() => setCancelling(false)}
        onConfirm={() => cancel.mutate()}
        busy={cancel.isPending}
        title="Cancel this campaign?"
        confirmLabel="Cancel campaign"
        description="Emails not sent yet will not be sent. Emails already sent cannot be recalled."
      >
        {cancel.isError && <ErrorAlert error={cancel.error} title="Could not cancel the campaign" />}
      </ConfirmDialog>
    </div>
  );
}

function Item({ label, value }: { label: string; value: string }) {
  return (
    <div className="min-w-0">
      <dt className="font-medium text-slate-700">{label}</dt>
      <dd className="break-words text-slate-900">{value}</dd>
    </div>
  );
}

function Progress({ stats }: { stats: CampaignStats }) {
  const total = Math.max(stats.totalRecipients, 0);
  const pct = total > 0 ? Math.min(100, Math.round((stats.sentCount / total) * 100)) : 0;
  return (
    <Card title="Sending">
      <p className="mb-2 text-sm text-slate-800" data-testid="campaign-progress">
        {formatNumber(stats.sentCount)} of {formatNumber(total)} sent ({pct}%)
      </p>
      <div role="progressbar" aria-label="Sending progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={stats.sentCount} className="h-3 w-full overflow-hidden rounded-full bg-slate-200">
        <div className="h-full rounded-full bg-blue-700 transition-all" style={{ width: `${pct}%` }} />
      </div>
    </Card>
  );
}

function StatsCard({ stats }: { stats: CampaignStats }) {
  const rows: { label: string; count: number; rate?: number; detail?: string }[] = [
    { label: 'Sent', count: stats.sentCount, rate: stats.totalRecipients > 0 ? Math.round((stats.sentCount / stats.totalRecipients) * 10000) / 100 : 0, detail: `of ${formatNumber(stats.totalRecipients)} recipients` },
    { label: 'Delivered', count: stats.deliveredCount, rate: stats.deliveryRate },
    { label: 'Opened', count: stats.openedCount, rate: stats.openRate, detail: `${formatNumber(stats.humanOpenedCount)} by people (${stats.humanOpenRate}%)` },
    { label: 'Clicked', count: stats.clickedCount, rate: stats.clickRate, detail: `${formatNumber(stats.humanClickedCount)} by people (${stats.humanClickRate}%)` },
    { label: 'Bounced', count: stats.bouncedCount, rate: stats.bounceRate },
    { label: 'Complained', count: stats.complainedCount, rate: stats.complaintRate },
    { label: 'Unsubscribed', count: stats.unsubscribedCount, rate: stats.unsubscribeRate },
  ];
  return (
    <Card title="Stats">
      <p className="mb-3 text-xs text-slate-700">Rates are a percentage of the emails sent. Opens by people exclude machine opens (mail privacy proxies, scanners).</p>
      <dl className="space-y-3">
        {rows.map((r) => (
          <div key={r.label} data-testid={`stat-${r.label.toLowerCase()}`} className="flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
            <dt className="font-medium text-slate-800">{r.label}</dt>
            <dd className="tabular-nums text-slate-900">
              {formatNumber(r.count)}
              {r.rate !== undefined && <span className="text-slate-700"> · {r.rate}%</span>}
            </dd>
            <dd className="mt-1 h-2 w-full basis-full overflow-hidden rounded-full bg-slate-100" aria-hidden="true">
              <div className="h-full rounded-full bg-blue-600" style={{ width: `${Math.min(100, Math.max(0, r.rate ?? 0))}%` }} />
            </dd>
            {r.detail && <dd className="mt-0.5 basis-full text-xs text-slate-700">{r.detail}</dd>}
          </div>
        ))}
      </dl>
      {(stats.suppressedCount > 0 || stats.failedCount > 0) && (
        <p className="mt-3 text-xs text-slate-700">
          {formatNumber(stats.suppressedCount)} suppressed and {formatNumber(stats.failedCount)} failed (not sent).
        </p>
      )}
    </Card>
  );
}

function RecipientsCard({ projectId, campaign }: { projectId: string; campaign: Campaign }) {
  const [type, setType] = useState<'bounced' | 'complained'>('bounced');
  const recipients = useQuery({
    queryKey: campaignKeys.recipients(projectId, campaign.id, type),
    queryFn: () => listCampaignRecipients(projectId, campaign.id, type),
    refetchInterval: campaign.status === 'SENDING' ? 5000 : false,
  });
  return (
    <Card title="Problem recipients">
      <Tabs
        label="Problem recipients"
        value={type}
        onChange={setType}
        items={[
          { key: 'bounced', label: 'Bounced' },
          { key: 'complained', label: 'Complained' },
        ]}
      >
      <div>
          {recipients.isPending ? (
            <LoadingBlock label="Loading recipients…" />
          ) : recipients.isError ? (
            <ErrorAlert error={recipients.error} title="Could not load the recipients" onRetry={() => void recipients.refetch()} />
          ) : recipients.data.data.length === 0 ? (
            <EmptyState title={type === 'bounced' ? 'No bounces' : 'No complaints'} description={type === 'bounced' ? 'No email of this campaign bounced.' : 'Nobody marked this campaign as spam.'} />
          ) : (
            <Table label={type === 'bounced' ? 'Bounced recipients' : 'Complained recipients'}>
              <THead>
                <Th>Email</Th>
                <Th>When</Th>
                <Th>Reason</Th>
              </THead>
              <TBody>
                {recipients.data.data.map((r) => (
                  <tr key={r.emailId}>
                    <Td className="break-all">{r.email}</Td>
                    <Td className="whitespace-nowrap">{formatDateTime(r.occurredAt)}</Td>
                    <Td className="break-words">{[r.bounceType, r.reason].filter(Boolean).join(': ') || '—'}</Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          )}
          {recipients.data && recipients.data.total > recipients.data.data.length && (
            <p className="mt-2 text-xs text-slate-700">
              Showing {formatNumber(recipients.data.data.length)} of {formatNumber(recipients.data.total)}.
            </p>
          )}
        </div>
      </Tabs>
    </Card>
  );
}
