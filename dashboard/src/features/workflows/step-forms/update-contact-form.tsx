import { useState } from 'react';
import { SelectField, TextAreaField } from '../../../components/ui/input';
import { parseJson, pretty, type StepFormProps } from './form-types';

type Action = 'none' | 'subscribe' | 'unsubscribe';

/** Contact data to merge (a JSON object) and/or a subscription change; at least one is needed. */
export function UpdateContactForm({ config, onChange, onProblem }: StepFormProps) {
  const [text, setText] = useState(pretty(config.updates));
  const [error, setError] = useState<string | null>(null);
  const action = (config.subscriptionAction as Action | undefined) ?? 'none';

  const emit = (updates: unknown, nextAction: Action) => {
    const hasUpdates = !!updates && typeof updates === 'object' && Object.keys(updates).length > 0;
    onProblem('empty', hasUpdates || nextAction !== 'none' ? null : 'Give data to set or a subscription change.');
    onChange({ ...(hasUpdates ? { updates } : {}), ...(nextAction !== 'none' ? { subscriptionAction: nextAction } : {}) });
  };

  return (
    <div className="space-y-3">
      <TextAreaField
        label="Data to set (JSON object)"
        rows={5}
        value={text}
        placeholder='{"plan": "pro"}'
        error={error}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parseJson(e.target.value, true);
          setError(parsed.error ?? null);
          onProblem('updates', parsed.error ?? null);
          emit(parsed.error ? config.updates : parsed.value, action);
        }}
        hint="Merged into the contact's data: keys you give replace the old values, other keys stay."
      />
      <SelectField label="Subscription" value={action} onChange={(e) => emit(config.updates, e.target.value as Action)}>
        <option value="none">Leave as it is</option>
        <option value="subscribe">Subscribe the contact</option>
        <option value="unsubscribe">Unsubscribe the contact</option>
      </SelectField>
    </div>
  );
}
