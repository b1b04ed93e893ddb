import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { ConfirmDialog } from './dialog';
import { ErrorAlert } from './error-alert';

export interface ConfirmDeleteDialogProps<T> {
  /** What to delete; null keeps the dialog closed. */
  target: T | null;
  onClose: () => void;
  /** The API call that deletes `target`. */
  remove: (target: T) => Promise<unknown>;
  onDeleted: (target: T) => void | Promise<void>;
  title: string;
  confirmLabel: string;
  description: ReactNode;
  /** Error title when the API answers 409 (still in use): trying again cannot help, so confirming is disabled. */
  inUseTitle: string;
  errorTitle: string;
}

/** Confirms a delete; a refusal because the thing is still in use (409) is shown and keeps the dialog open. */
export function ConfirmDeleteDialog<T>({ target, onClose, remove, onDeleted, title, confirmLabel, description, inUseTitle, errorTitle }: ConfirmDeleteDialogProps<T>) {
  const mutation = useMutation({ mutationFn: remove, onSuccess: (_data, t) => onDeleted(t) });
  const inUse = mutation.error instanceof ApiError && mutation.error.status === 409;
  const close = () => {
    mutation.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={target !== null}
      onClose={close}
      onConfirm={() => target !== null && mutation.mutate(target)}
      busy={mutation.isPending}
      confirmDisabled={inUse}
      title={title}
      confirmLabel={confirmLabel}
      description={description}
    >
      {mutation.isError && <ErrorAlert error={mutation.error} title={inUse ? inUseTitle : errorTitle} />}
    </ConfirmDialog>
  );
}
