import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { listTemplates } from '../../../api/templates';
import { workflowKeys } from '../../../api/workflows';
import { SelectField, TextField } from '../../../components/ui/input';
import { Spinner } from '../../../components/ui/spinner';
import { ErrorAlert } from '../../../components/ui/error-alert';
import type { StepFormProps } from './form-types';

export interface SendEmailFormProps extends StepFormProps {
  projectId: string;
  templateId: string | null;
  onTemplateChange: (id: string | null) => void;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Template picker (from the templates API) and the recipient: the contact, or a fixed address. */
export function SendEmailForm({ projectId, config, onChange, onProblem, templateId, onTemplateChange }: SendEmailFormProps) {
  const templates = useQuery({ queryKey: workflowKeys.templates(projectId), queryFn: () => listTemplates(projectId, { page: 1, pageSize: 100 }) });
  const recipient = (config.recipient as { type?: string; customEmail?: string } | undefined) ?? { type: 'CONTACT' };
  const custom = recipient.type === 'CUSTOM';

  const setRecipient = (type: 'CONTACT' | 'CUSTOM', customEmail = '') => {
    onProblem('customEmail', type === 'CUSTOM' && !EMAIL.test(customEmail.trim()) ? 'Enter the address to send to.' : null);
    onChange({ ...config, recipient: type === 'CUSTOM' ? { type, customEmail: customEmail.trim() } : { type } });
  };

  return (
    <div className="space-y-3">
      {templates.isPending ? (
        <Spinner label="Loading templates…" />
      ) : templates.isError ? (
        <ErrorAlert error={templates.error} title="Could not load templates" onRetry={() => void templates.refetch()} />
      ) : (
        <SelectField
          label="Template"
          value={templateId ?? ''}
          onChange={(e) => onTemplateChange(e.target.value || null)}
          hint={
            templates.data.data.length === 0 ? (
              <>
                No templates yet.{' '}
                <Link to="/p/$projectId/templates/$templateId" params={{ projectId, templateId: 'new' }} className="font-medium text-blue-800 underline">
                  Create a template
                </Link>{' '}
                first.
              </>
            ) : (
              'The subject, body and sender come from the template; contact data and the triggering event fill its variables.'
            )
          }
        >
          <option value="">Choose a template…</option>
          {templates.data.data.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.subject})
            </option>
          ))}
        </SelectField>
      )}
      <SelectField label="Send to" value={custom ? 'CUSTOM' : 'CONTACT'} onChange={(e) => setRecipient(e.target.value as 'CONTACT' | 'CUSTOM', recipient.customEmail ?? '')}>
        <option value="CONTACT">The contact in the run</option>
        <option value="CUSTOM">A fixed address (for example a team inbox)</option>
      </SelectField>
      {custom && (
        <TextField
          label="Address"
          type="email"
          value={recipient.customEmail ?? ''}
          onChange={(e) => setRecipient('CUSTOM', e.target.value)}
          hint="A fixed address receives the email even when the contact is unsubscribed."
        />
      )}
    </div>
  );
}
