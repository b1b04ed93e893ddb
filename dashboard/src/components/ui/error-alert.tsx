import { ApiError, errorMessage } from '../../api/client';
import { Button } from './button';
import { CopyButton } from './copy-button';

export interface ErrorAlertProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}

/** An error box with the server's message and request id (for support and the Activity tab). */
export function ErrorAlert({ error, title = 'Something went wrong', onRetry }: ErrorAlertProps) {
  const requestId = error instanceof ApiError ? error.requestId : null;
  const fieldErrors = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-semibold">{title}</p>
      <p className="mt-1">{errorMessage(error)}</p>
      {fieldErrors.length > 0 && (
        <ul className="mt-2 list-disc pl-5">
          {fieldErrors.map((f, i) => (
            <li key={`${f.field ?? ''}-${i}`}>{f.field ? `${f.field}: ${f.message}` : f.message}</li>
          ))}
        </ul>
      )}
      {(requestId || onRetry) && (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          {requestId && (
            <>
              <span className="text-xs text-red-900">
                Request ID: <code className="font-mono">{requestId}</code>
              </span>
              <CopyButton value={requestId} label="Copy request ID" />
            </>
          )}
          {onRetry && (
            <Button size="sm" onClick={onRetry}>
              Try again
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
