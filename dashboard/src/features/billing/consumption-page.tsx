import { useQuery } from '@tanstack/react-query';
import { BILLING_CATEGORIES, getConsumption, getLimits } from '../../api/billing';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { Card, PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { formatNumber } from '../../lib/format';
import { usePageTitle } from '../../lib/use-page-title';
import { canManage, useProject } from '../projects/project-context';
import { CATEGORY_LABEL } from './category-labels';
import { DailyChart } from './daily-chart';
import { LimitsEditor } from './limits-editor';
import { UsageBars } from './usage-bars';

/** Billing → Consumption: this month's units per category against the limits, per day, and the limits editor. */
export function ConsumptionPage() {
  usePageTitle('Billing · Consumption');
  const { project } = useProject();
  const consumption = useQuery({ queryKey: ['billing-consumption', project.id], queryFn: () => getConsumption(project.id) });
  const limits = useQuery({ queryKey: ['billing-limits', project.id], queryFn: () => getLimits(project.id) });
  const admin = canManage(project.role);

  const warned = limits.data ? BILLING_CATEGORIES.filter((c) => limits.data[c].isWarning) : [];
  const blocked = warned.filter((c) => limits.data?.[c].isBlocked);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Consumption"
        description="Emails sent this month (UTC), in billing units: an email with attachments counts as 2; failed and suppressed emails do not count."
      />
      {warned.length > 0 && (
        <div role="alert" className={`rounded-lg border p-4 text-sm ${blocked.length ? 'border-red-300 bg-red-50 text-red-900' : 'border-amber-300 bg-amber-50 text-amber-900'}`}>
          <p className="font-semibold">{blocked.length ? 'A billing limit has been reached' : 'Approaching a billing limit'}</p>
          <ul className="mt-1 list-disc pl-5">
            {warned.map((c) => (
              <li key={c}>
                {CATEGORY_LABEL[c]}: {formatNumber(limits.data![c].usage)} of {formatNumber(limits.data![c].limit)} units ({limits.data![c].percentage}%)
                {limits.data![c].isBlocked ? ' — new sends of this kind are refused until the limit is raised or the month ends.' : ''}
              </li>
            ))}
          </ul>
        </div>
      )}

      <Card title="This month by category">
        {limits.isError ? (
          <ErrorAlert error={limits.error} title="Could not load usage and limits" onRetry={() => void limits.refetch()} />
        ) : !limits.data ? (
          <LoadingBlock />
        ) : (
          <UsageBars limits={limits.data} />
        )}
      </Card>

      <Card title="Daily usage">
        {consumption.isError ? (
          <ErrorAlert error={consumption.error} title="Could not load daily usage" onRetry={() => void consumption.refetch()} />
        ) : !consumption.data ? (
          <LoadingBlock />
        ) : consumption.data.usage.total === 0 ? (
          <EmptyState title="No emails this month yet" description="Usage appears here as soon as this project sends email." />
        ) : (
          <>
            <p className="mb-3 text-sm text-slate-700">
              {formatNumber(consumption.data.usage.total)} units from {consumption.data.period.start.slice(0, 10)} to today.
            </p>
            <DailyChart daily={consumption.data.daily} />
          </>
        )}
      </Card>

      <Card title="Monthly limits">
        {!admin ? (
          <p className="text-sm text-slate-700">Only owners and admins can change the limits. Leave a field empty for no limit.</p>
        ) : limits.data ? (
          <>
            <p className="mb-4 text-sm text-slate-700">
              At a limit, sends of that kind are refused (HTTP 429) until the limit is raised or the month ends; at 80 % a warning is shown and
              recorded in Activity. Leave a field empty for no limit.
            </p>
            <LimitsEditor key={JSON.stringify(BILLING_CATEGORIES.map((c) => limits.data[c].limit))} projectId={project.id} limits={limits.data} />
          </>
        ) : limits.isError ? null : (
          <LoadingBlock />
        )}
      </Card>
    </div>
  );
}
