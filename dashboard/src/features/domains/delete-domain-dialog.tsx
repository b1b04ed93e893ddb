import { useMutation } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { deleteDomain } from '../../api/domains';
import type { SendingDomain } from '../../api/types';
import { ConfirmDialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';

export interface DeleteDomainDialogProps {
  projectId: string;
  /** The domain to remove; null keeps the dialog closed. */
  domain: Pick<SendingDomain, 'id' | 'domain' | 'status'> | null;
  onClose: () => void;
  onDeleted: (domain: Pick<SendingDomain, 'id' | 'domain'>) => void;
}

/** Confirms removing a sending domain; a domain still in use (409: queued mail from it) says so plainly. */
export function DeleteDomainDialog({ projectId, domain, onClose, onDeleted }: DeleteDomainDialogProps) {
  const remove = useMutation({
    mutationFn: (d: Pick<SendingDomain, 'id' | 'domain'>) => deleteDomain(projectId, d.id),
    onSuccess: (_data, d) => onDeleted(d),
  });
  const inUse = remove.error instanceof ApiError && remove.error.status === 409;
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={domain !== null}
      onClose={close}
      onConfirm={() => domain && remove.mutate(domain)}
      busy={remove.isPending}
      confirmDisabled={inUse}
      title={domain ? `Remove ${domain.domain}?` : 'Remove domain?'}
      confirmLabel="Remove domain"
      description={
        <>
          <p>
            Mail from addresses at <strong>{domain?.domain}</strong> is no longer signed with this domain’s DKIM key, and instances that require verified domains
            refuse to send from it.
          </p>
          <p className="mt-2">
            The DKIM key is deleted: adding the domain again creates a new key and new DNS records to publish. You can delete the records at your DNS provider
            afterwards.
          </p>
        </>
      }
    >
      {remove.isError && (
        <ErrorAlert
          error={remove.error}
          title={inUse ? 'This domain is still in use and was not removed' : 'Could not remove the domain'}
        />
      )}
    </ConfirmDialog>
  );
}
