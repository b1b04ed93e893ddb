import { deleteDomain } from '../../api/domains';
import type { SendingDomain } from '../../api/types';
import { ConfirmDeleteDialog } from '../../components/ui/confirm-delete-dialog';

export interface DeleteDomainDialogProps {
  projectId: string;
  /** The domain to remove; null keeps the dialog closed. */
  domain: Pick<SendingDomain, 'id' | 'domain' | 'status'> | null;
  onClose: () => void;
  onDeleted: (domain: Pick<SendingDomain, 'id' | 'domain'>) => void;
}

/** Confirms removing a sending domain; a domain still in use (409: queued mail from it) says so plainly. */
export function DeleteDomainDialog({ projectId, domain, onClose, onDeleted }: DeleteDomainDialogProps) {
  return (
    <ConfirmDeleteDialog
      target={domain}
      onClose={onClose}
      remove={(d) => deleteDomain(projectId, d.id)}
      onDeleted={onDeleted}
      title={domain ? `Remove ${domain.domain}?` : 'Remove domain?'}
      confirmLabel="Remove domain"
      inUseTitle="This domain is still in use and was not removed"
      errorTitle="Could not remove the domain"
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
    />
  );
}
