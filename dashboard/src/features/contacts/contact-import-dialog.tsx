import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { getImportJob, importContacts } from '../../api/contacts';
import { Button } from '../../components/ui/button';
import { Dialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';
import { formatNumber } from '../../lib/format';

interface ImportResult {
  imported?: number;
  created?: number;
  updated?: number;
  failed?: number;
  errors?: { row: number; email: string; reason: string }[];
}

export function ContactImportDialog({ projectId, open, onClose, onFinished }: { projectId: string; open: boolean; onClose: () => void; onFinished: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: (f: File) => importContacts(projectId, f),
    onSuccess: (res) => setJobId(res.jobId),
  });
  const job = useQuery({
    queryKey: ['import-job', projectId, jobId],
    queryFn: () => getImportJob(projectId, jobId!),
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data?.state === 'completed' || q.state.data?.state === 'failed' || q.state.error ? false : 1000),
  });
  const state = job.data?.state;
  const done = state === 'completed' || state === 'failed';

  useEffect(() => {
    if (state === 'completed') onFinished();
  }, [state, onFinished]);

  const reset = () => {
    setFile(null);
    setJobId(null);
    upload.reset();
  };
  const close = () => {
    reset();
    onClose();
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (file) upload.mutate(file);
  };

  const progress = job.data?.progress;
  const percent = progress ? Math.max(0, Math.min(100, progress.percent)) : 0;
  const result = (job.data?.result ?? null) as ImportResult | null;

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Import contacts from CSV"
      description={
        <>
          The first row must be a header with an <code className="font-mono">email</code> column; a <code className="font-mono">subscribed</code> column and any other
          columns become contact data. Existing contacts are updated. Up to 5 MB.
        </>
      }
      footer={
        done ? (
          <>
            <Button onClick={reset}>Import another file</Button>
            <Button variant="primary" onClick={close}>
              Done
            </Button>
          </>
        ) : (
          <Button onClick={close}>{jobId ? 'Close (the import continues)' : 'Cancel'}</Button>
        )
      }
    >
      {!jobId ? (
        <form onSubmit={onSubmit} className="space-y-4">
          {upload.isError && <ErrorAlert error={upload.error} title="The upload failed" />}
          <div>
            <label htmlFor="import-file" className="mb-1 block text-sm font-medium text-slate-800">
              CSV file
            </label>
            <input
              id="import-file"
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              className="block w-full text-sm text-slate-800 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800"
            />
          </div>
          <Button type="submit" variant="primary" disabled={!file} loading={upload.isPending}>
            Upload and import
          </Button>
        </form>
      ) : (
        <div className="space-y-3">
          {job.isError && <ErrorAlert error={job.error} title="Could not read the import progress" onRetry={() => void job.refetch()} />}
          <div>
            <div className="mb-1 flex justify-between text-sm text-slate-800">
              <span id="import-progress-label">{state === 'completed' ? 'Import finished' : state === 'failed' ? 'Import failed' : state === 'running' ? 'Importing…' : 'Waiting to start…'}</span>
              <span>{percent}%</span>
            </div>
            <progress aria-labelledby="import-progress-label" max={100} value={percent} className="h-2 w-full accent-blue-700" />
            {progress && (
              <p className="mt-1 text-xs text-slate-700">
                {formatNumber(progress.processed)} of {progress.total === null ? '?' : formatNumber(progress.total)} rows processed
              </p>
            )}
          </div>
          {state === 'failed' && (
            <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
              {job.data?.failedReason ?? 'The import failed.'}
            </div>
          )}
          {state === 'completed' && result && (
            <div role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
              <p>
                Imported {formatNumber(result.imported ?? 0)} rows: {formatNumber(result.created ?? 0)} created, {formatNumber(result.updated ?? 0)} updated,{' '}
                {formatNumber(result.failed ?? 0)} failed.
              </p>
              {result.errors && result.errors.length > 0 && (
                <ul className="mt-2 max-h-40 list-disc overflow-y-auto pl-5 text-xs" tabIndex={0} aria-label="Rows that failed">
                  {result.errors.map((e) => (
                    <li key={`${e.row}-${e.email}`}>
                      Row {e.row} ({e.email || 'no email'}): {e.reason}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      )}
    </Dialog>
  );
}
