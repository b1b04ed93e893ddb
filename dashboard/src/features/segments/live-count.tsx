import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { previewSegment } from '../../api/segments';
import type { FilterCondition } from '../../api/types';
import { ErrorAlert } from '../../components/ui/error-alert';
import { Spinner } from '../../components/ui/spinner';
import { formatNumber } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import { segmentKeys } from './segment-keys';

/**
 * Counts a condition on the server (POST /segments/preview) 400 ms after the last change, and only
 * while the condition is complete. `sent` is the JSON of the condition the current answer is about.
 */
export function useSegmentPreview(projectId: string, condition: FilterCondition | null) {
  const json = condition ? JSON.stringify(condition) : null;
  const debounced = useDebounced(json, 400);
  const query = useQuery({
    queryKey: [...segmentKeys.preview(projectId), debounced],
    queryFn: () => previewSegment(projectId, JSON.parse(debounced!) as FilterCondition),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  return { query, json, debounced, settled: json === debounced };
}

export interface LiveCountProps {
  projectId: string;
  preview: ReturnType<typeof useSegmentPreview>;
  /** False while some filter is unfinished. */
  complete: boolean;
  /** Validation messages the builder could not place on a row. */
  otherErrors: string[];
}

export function LiveCount({ projectId, preview, complete, otherErrors }: LiveCountProps) {
  const { query, settled } = preview;
  const apiError = query.error instanceof ApiError ? query.error : null;
  const validation = apiError !== null && (apiError.status === 400 || apiError.status === 422);
  const waiting = complete && (!settled || query.isFetching || query.isPlaceholderData);

  let body: ReactNode;
  if (!complete) {
    body = <p className="text-sm text-slate-700">Finish the filters above to see how many contacts match.</p>;
  } else if (query.isError && !waiting) {
    body = validation && apiError ? (
      <div className="text-sm text-red-800">
        <p className="font-medium">The server cannot count this condition: fix the marked filters.</p>
        {(otherErrors.length > 0 || apiError.fieldErrors.length === 0) && (
          <ul className="mt-1 list-disc pl-5">
            {apiError.fieldErrors.length === 0 && <li>{apiError.message}</li>}
            {otherErrors.map((m, i) => (
              <li key={`${i}-${m}`}>{m}</li>
            ))}
          </ul>
        )}
      </div>
    ) : (
      <ErrorAlert error={query.error} title="Could not count the matching contacts" onRetry={() => void query.refetch()} />
    );
  } else if (query.data) {
    const n = query.data.count;
    body = (
      <p className={`text-lg font-semibold text-slate-900 ${waiting ? 'opacity-60' : ''}`} aria-busy={waiting || undefined}>
        {formatNumber(n)} contact{n === 1 ? ' matches' : 's match'}
      </p>
    );
  } else {
    body = (
      <p className="flex items-center gap-2 text-sm text-slate-700">
        <Spinner size="sm" decorative /> Counting matching contacts…
      </p>
    );
  }
  const sample = complete && !waiting && !query.isError ? (query.data?.sample ?? []) : [];

  return (
    <section aria-labelledby="live-count-heading" className="rounded-md border border-blue-200 bg-blue-50/60 p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="live-count-heading" className="text-sm font-semibold text-slate-900">
          Live count
        </h3>
        {waiting && query.data && (
          <span className="flex items-center gap-1.5 text-xs text-slate-700">
            <Spinner size="sm" decorative /> Updating…
          </span>
        )}
      </div>
      <div className="mt-1" aria-live="polite" data-testid="segment-live-count">
        {body}
      </div>
      {sample.length > 0 && (
        <div className="mt-2">
          <p className="text-xs font-medium text-slate-700">For example:</p>
          <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-sm" aria-label="Sample of matching contacts">
            {sample.map((c) => (
              <li key={c.id} className="min-w-0 break-all">
                <Link to="/p/$projectId/contacts/$contactId" params={{ projectId, contactId: c.id }} className="text-blue-800 hover:underline">
                  {c.email}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="mt-2 text-xs text-slate-700">Counted now, on every contact of the project (subscribed or not). Nothing is saved until you save the segment.</p>
    </section>
  );
}
