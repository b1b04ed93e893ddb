import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { BILLING_CATEGORIES, putLimits, type BillingCategory, type BillingLimits, type LimitsInput } from '../../api/billing';
import { Button } from '../../components/ui/button';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextField } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { CATEGORY_LABEL } from './category-labels';

type Draft = Record<BillingCategory, string>;

const draftOf = (limits: BillingLimits): Draft =>
  Object.fromEntries(BILLING_CATEGORIES.map((c) => [c, limits[c].limit === null ? '' : String(limits[c].limit)])) as Draft;

const problemOf = (value: string): string | null =>
  value.trim() === '' || /^[1-9]\d{0,9}$/.test(value.trim()) ? null : 'Enter a whole number of at least 1, or leave empty for no limit.';

/** Monthly limits per category (owners and admins): empty = unlimited. */
export function LimitsEditor({ projectId, limits }: { projectId: string; limits: BillingLimits }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState<Draft>(() => draftOf(limits));
  const save = useMutation({
    mutationFn: (body: LimitsInput) => putLimits(projectId, body),
    onSuccess: async (saved) => {
      queryClient.setQueryData(['billing-limits', projectId], saved);
      setDraft(draftOf(saved));
      await queryClient.invalidateQueries({ queryKey: ['billing-consumption', projectId] });
      toast.show('Billing limits saved.');
    },
  });
  const invalid = BILLING_CATEGORIES.some((c) => problemOf(draft[c]));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (invalid) return;
    save.mutate(Object.fromEntries(BILLING_CATEGORIES.map((c) => [c, draft[c].trim() === '' ? null : Number(draft[c])])) as LimitsInput);
  };
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {save.isError && <ErrorAlert error={save.error} title="Could not save the limits" />}
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        {BILLING_CATEGORIES.map((c) => (
          <TextField
            key={c}
            label={`${CATEGORY_LABEL[c]} per month`}
            inputMode="numeric"
            placeholder="No limit"
            value={draft[c]}
            error={problemOf(draft[c])}
            hint={c === 'inbound' ? 'Received mail: not metered yet.' : undefined}
            onChange={(e) => setDraft({ ...draft, [c]: e.target.value })}
          />
        ))}
      </div>
      <Button type="submit" variant="primary" loading={save.isPending} disabled={invalid}>
        Save limits
      </Button>
    </form>
  );
}
