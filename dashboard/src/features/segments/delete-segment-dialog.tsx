import { deleteSegment } from '../../api/segments';
import type { Segment } from '../../api/types';
import { ConfirmDeleteDialog } from '../../components/ui/confirm-delete-dialog';

export interface DeleteSegmentDialogProps {
  projectId: string;
  /** The segment to delete; null keeps the dialog closed. */
  segment: Pick<Segment, 'id' | 'name' | 'type' | 'trackMembership'> | null;
  onClose: () => void;
  onDeleted: (segment: Pick<Segment, 'id' | 'name'>) => void;
}

/** Confirms deleting a segment; one that campaigns still use (409) says so and stays. */
export function DeleteSegmentDialog({ projectId, segment, onClose, onDeleted }: DeleteSegmentDialogProps) {
  return (
    <ConfirmDeleteDialog
      target={segment}
      onClose={onClose}
      remove={(s) => deleteSegment(projectId, s.id)}
      onDeleted={onDeleted}
      title={segment ? `Delete ${segment.name}?` : 'Delete segment?'}
      confirmLabel="Delete segment"
      inUseTitle="This segment is still in use and was not deleted"
      errorTitle="Could not delete the segment"
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
    />
  );
}
