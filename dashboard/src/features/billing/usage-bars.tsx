import { BILLING_CATEGORIES, type BillingLimits } from '../../api/billing';
import { formatNumber } from '../../lib/format';
import { CATEGORY_LABEL } from './category-labels';

/** One bar per category: this month's usage against its limit (unlimited categories show the count only). */
export function UsageBars({ limits }: { limits: BillingLimits }) {
  return (
    <ul className="space-y-4">
      {BILLING_CATEGORIES.map((c) => {
        const e = limits[c];
        const width = e.limit === null ? 0 : Math.min(100, e.percentage);
        const tone = e.isBlocked ? 'bg-red-700' : e.isWarning ? 'bg-amber-600' : 'bg-blue-700';
        return (
          <li key={c}>
            <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
              <span className="font-medium text-slate-900">{CATEGORY_LABEL[c]}</span>
              <span className="text-slate-700">
                {formatNumber(e.usage)} {e.limit === null ? 'units · no limit' : `of ${formatNumber(e.limit)} units (${e.percentage}%)`}
                {e.isBlocked && <span className="ml-2 font-semibold text-red-800">Limit reached</span>}
                {!e.isBlocked && e.isWarning && <span className="ml-2 font-semibold text-amber-800">Over 80 %</span>}
              </span>
            </div>
            {e.limit !== null && (
              <div
                className="mt-1 h-2.5 w-full overflow-hidden rounded bg-slate-200"
                role="progressbar"
                aria-label={`${CATEGORY_LABEL[c]} usage`}
                aria-valuemin={0}
                aria-valuemax={e.limit}
                aria-valuenow={Math.min(e.usage, e.limit)}
                aria-valuetext={`${e.usage} of ${e.limit} (${e.percentage}%)`}
              >
                <div className={`h-full ${tone}`} style={{ width: `${width}%` }} />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
