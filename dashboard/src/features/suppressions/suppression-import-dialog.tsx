import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { importSuppressions } from '../../api/suppressions';
import { Button } from '../../components/ui/button';
import { Dialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';
import { formatNumber } from '../../lib/format';

export interface SuppressionImportDialogProps {
  projectId: string;
  open: boolean;
  onClose: () => void;
  onImported: () => void;
}

/** Uploads a CSV of addresses; the import runs within the request, so the answer is the outcome. */
export function SuppressionImportDialog({ projectId, open, onClose, onImported }: SuppressionImportDialogProps) {
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: (f: File) => importSuppressions(projectId, f),
    onSuccess: () => onImported(),
  });
  const reset = () => {
    setFile(null);
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
  const result = upload.data;

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Import suppressed addresses"
      description={
        <>
          A CSV file whose first row is a header with an <code className="font-mono">email</code> column. An optional <code className="font-mono">reason</code>{' '}
          column takes HARD_BOUNCE, COMPLAINT, UNSUBSCRIBE or MANUAL (MANUAL when empty). Addresses already on the list are kept as they are. Up to 5 MB and
          50,000 rows.
        </>
      }
      footer={
        result ? (
          <>
            <Button onClick={reset}>Import another file</Button>
            <Button variant="primary" onClick={close}>
              Done
            </Button>
          </>
        ) : (
          <Button onClick={close}>Cancel</Button>
        )
      }
    >
      {!result ? (
        <form onSubmit={onSubmit} className="space-y-4">
          {upload.isError && <ErrorAlert error={upload.error} title="The import failed" />}
          <div>
            <label htmlFor={fileId} className="mb-1 block text-sm font-medium text-slate-800">
              CSV file
            </label>
            <input
              id={fileId}
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                if (upload.isError) upload.reset();
              }}
              className="block w-full text-sm text-slate-800 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800"
            />
          </div>
          <Button type="submit" variant="primary" disabled={!file} loading={upload.isPending}>
            {upload.isPending ? 'Importing…' : 'Upload and import'}
          </Button>
        </form>
      ) : (
        <div role="status" className={`rounded-md border p-3 text-sm ${result.failed ? 'border-amber-300 bg-amber-50 text-amber-950' : 'border-green-300 bg-green-50 text-green-900'}`}>
          <p className="font-semibold">Import finished</p>
          <p className="mt-1">
            {formatNumber(result.total)} row{result.total === 1 ? '' : 's'}: {formatNumber(result.added)} added, {formatNumber(result.alreadyListed)} already listed,{' '}
            {formatNumber(result.failed)} failed.
          </p>
          {result.errors.length > 0 && (
            <>
              <ul className="mt-2 max-h-40 list-disc overflow-y-auto pl-5 text-xs" tabIndex={0} aria-label="Rows that could not be imported">
                {result.errors.map((e) => (
                  <li key={`${e.line}-${e.value ?? ''}`}>
                    Line {e.line} ({e.value || 'empty'}): {e.message}
                  </li>
                ))}
              </ul>
              {result.failed > result.errors.length && <p className="mt-1 text-xs">Only the first {formatNumber(result.errors.length)} problems are listed.</p>}
            </>
          )}
        </div>
      )}
    </Dialog>
  );
}
