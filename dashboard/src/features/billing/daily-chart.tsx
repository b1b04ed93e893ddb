import { BILLING_CATEGORIES, type Consumption } from '../../api/billing';
import { formatNumber } from '../../lib/format';
import { CATEGORY_COLOR, CATEGORY_LABEL } from './category-labels';

/** Stacked daily bars (plain CSS: no chart library in the bundle) with the numbers in a table beneath. */
export function DailyChart({ daily }: { daily: Consumption['daily'] }) {
  const totals = daily.map((d) => BILLING_CATEGORIES.reduce((s, c) => s + d[c], 0));
  const max = Math.max(1, ...totals);
  const busiest = daily[totals.indexOf(Math.max(...totals))];
  const summary = `Daily usage over ${daily.length} days; busiest day ${busiest?.date ?? 'none'} with ${formatNumber(Math.max(0, ...totals))} units`;
  return (
    <div>
      <div className="flex h-40 items-end gap-px border-b border-slate-300" role="img" aria-label={summary}>
        {daily.map((d, i) => (
          <div key={d.date} className="flex h-full min-w-0 flex-1 flex-col justify-end" title={`${d.date}: ${totals[i]} units`}>
            {BILLING_CATEGORIES.map((c) =>
              d[c] > 0 ? <div key={c} className={CATEGORY_COLOR[c]} style={{ height: `${(d[c] / max) * 100}%` }} /> : null,
            )}
          </div>
        ))}
      </div>
      <div className="mt-1 flex justify-between text-xs text-slate-700">
        <span>{daily[0]?.date}</span>
        <span>{daily.at(-1)?.date}</span>
      </div>
      <ul className="mt-3 flex flex-wrap gap-4 text-xs text-slate-800" aria-label="Legend">
        {BILLING_CATEGORIES.map((c) => (
          <li key={c} className="flex items-center gap-1.5">
            <span className={`inline-block h-3 w-3 rounded-sm ${CATEGORY_COLOR[c]}`} aria-hidden="true" />
            {CATEGORY_LABEL[c]}
          </li>
        ))}
      </ul>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-slate-800">Show the numbers per day</summary>
        <table className="mt-2 w-full text-left text-sm">
          <caption className="sr-only">Units per day and category</caption>
          <thead>
            <tr className="text-slate-700">
              <th scope="col" className="py-1 font-medium">Date</th>
              {BILLING_CATEGORIES.map((c) => (
                <th key={c} scope="col" className="py-1 text-right font-medium">{CATEGORY_LABEL[c]}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {daily.map((d) => (
              <tr key={d.date} className="border-t border-slate-100 text-slate-900">
                <th scope="row" className="py-1 font-normal">{d.date}</th>
                {BILLING_CATEGORIES.map((c) => (
                  <td key={c} className="py-1 text-right tabular-nums">{formatNumber(d[c])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
