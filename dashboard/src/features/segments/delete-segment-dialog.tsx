import { useMutation } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { deleteSegment } from '../../api/segments';
import type { Segment } from '../../api/types';
import { ConfirmDialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';

export interface DeleteSegmentDialogProps {
  projectId: string;
  /** The segment to delete; null keeps the dialog closed. */
  segment: Pick<Segment, 'id' | 'name' | 'type' | 'trackMembership'> | null;
  onClose: () => void;
  onDeleted: (segment: Pick<Segment, 'id' | 'name'>) => void;
}

/** Confirms deleting a segment; one that campaigns still use (409) says so and stays. */
export function DeleteSegmentDialog({ projectId, segment, onClose, onDeleted }: DeleteSegmentDialogProps) {
  const remove = useMutation({
    mutationFn: (s: Pick<Segment, 'id' | 'name'>) => deleteSegment(projectId, s.id),
    onSuccess: (_data, s) => onDeleted(s),
  });
  const inUse = remove.error instanceof ApiError && remove.error.status === 409;
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={segment !== null}
      onClose={close}
      onConfirm={() => segment && remove.mutate(segment)}
      busy={remove.isPending}
      confirmDisabled={inUse}
      title={segment ? `Delete ${segment.name}?` : 'Delete segment?'}
      confirmLabel="Delete segment"
      description={
        <>
          <p>
            The segment is deleted; its contacts stay in the project.{segment?.type === 'STATIC' && ' The list of its members is lost.'}
          </p>
          <p className="mt-2">
            {segment?.trackMembership ? 'Workflows started by its entry and exit events are no longer triggered. ' : ''}A segment that campaigns not sent yet, or
            the filters of other segments, still use cannot be deleted.
          </p>
        </>
      }
    >
      {remove.isError && (
        <ErrorAlert error={remove.error} title={inUse ? 'This segment is still in use and was not deleted' : 'Could not delete the segment'} />
      )}
    </ConfirmDialog>
  );
}
