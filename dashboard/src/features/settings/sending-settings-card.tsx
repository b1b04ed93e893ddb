import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { updateProjectSettings } from '../../api/projects';
import { TRACKING_MODES, type ProjectSettingsInput, type ProjectSummary, type TrackingMode } from '../../api/types';
import { Button } from '../../components/ui/button';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField, TextAreaField } from '../../components/ui/input';
import { Card } from '../../components/ui/page-header';
import { useToast } from '../../components/ui/toast';
import { sessionKeys } from '../../lib/session';

const TRACKING: Record<TrackingMode, { label: string; description: ReactNode }> = {
  ENABLED: {
    label: 'All email',
    description: 'Adds an invisible tracking pixel and rewrites links in every email, transactional and marketing, so you see opens and clicks for all of them.',
  },
  MARKETING_ONLY: {
    label: 'Marketing email only',
    description: 'Tracks campaigns and marketing templates. Transactional mail (receipts, password resets, notifications) goes out untouched.',
  },
  DISABLED: {
    label: 'Off',
    description: 'No pixel and no link rewriting: opens and clicks are not recorded. Links in your emails point straight to your site.',
  },
};

/** Hosted-page languages the server supports (PROJECT_LANGUAGES). */
const LANGUAGES = [{ value: 'en', label: 'English' }] as const;

const POSTAL_MAX = 500;

/** Tracking mode, postal address for marketing footers, hosted-page language (PATCH /users/@me/projects/:id). */
export function SendingSettingsCard({ project, canEdit }: { project: ProjectSummary; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const groupId = useId();
  const saved = { tracking: project.tracking ?? 'ENABLED', postalAddress: project.postalAddress ?? '', language: project.language ?? 'en' };
  const [tracking, setTracking] = useState<TrackingMode>(saved.tracking);
  const [postalAddress, setPostalAddress] = useState(saved.postalAddress);
  const [language, setLanguage] = useState(saved.language);

  const changes: ProjectSettingsInput = {};
  if (tracking !== saved.tracking) changes.tracking = tracking;
  if (postalAddress.trim() !== saved.postalAddress.trim()) changes.postalAddress = postalAddress.trim() || null;
  if (language !== saved.language) changes.language = language;
  const dirty = Object.keys(changes).length > 0;

  const save = useMutation({
    mutationFn: (body: ProjectSettingsInput) => updateProjectSettings(project.id, body),
    onSuccess: async (updated) => {
      if (updated && typeof updated.postalAddress !== 'undefined') setPostalAddress(updated.postalAddress ?? '');
      await queryClient.invalidateQueries({ queryKey: sessionKeys.projects });
      toast.show('Sending settings saved.');
    },
  });
  const fieldError = (field: string) => (save.error instanceof ApiError ? (save.error.fieldErrors.find((f) => f.field === field)?.message ?? null) : null);
  const postalError = fieldError('postalAddress');
  // A lone postal-address problem shows under the field; anything else gets the full error box.
  const onlyPostal = save.error instanceof ApiError && save.error.fieldErrors.length > 0 && save.error.fieldErrors.every((f) => f.field === 'postalAddress');

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (dirty) save.mutate(changes);
  };
  const languages = LANGUAGES.some((l) => l.value === language) ? LANGUAGES : [...LANGUAGES, { value: language, label: language }];

  return (
    <Card title="Sending">
      <form onSubmit={onSubmit} className="space-y-6">
        {save.isError && !onlyPostal && <ErrorAlert error={save.error} title="Could not save the sending settings" />}
        <fieldset disabled={!canEdit || save.isPending} aria-describedby={`${groupId}-hint`}>
          <legend className="text-sm font-semibold text-slate-900">Open and click tracking</legend>
          <p id={`${groupId}-hint`} className="mt-1 text-xs text-slate-700">
            Opens are counted with a tracking pixel, clicks by sending links through this server first. Counts include machine hits (privacy proxies such as
            Apple Mail, link scanners); the email page shows human opens and clicks separately. A send request can override this for one email with{' '}
            <code className="font-mono">"tracking": true</code> or <code className="font-mono">false</code>.
          </p>
          <div className="mt-3 space-y-2">
            {TRACKING_MODES.map((mode) => {
              const id = `${groupId}-${mode}`;
              return (
                // The whole box selects the mode; the radio's name stays its label alone.
                <div
                  key={mode}
                  onClick={() => canEdit && !save.isPending && setTracking(mode)}
                  className={`flex items-start gap-3 rounded-md border p-3 ${canEdit ? 'cursor-pointer' : ''} ${tracking === mode ? 'border-blue-700 bg-blue-50' : 'border-slate-300 bg-white'}`}
                >
                  <input
                    id={id}
                    type="radio"
                    name={`${groupId}-tracking`}
                    value={mode}
                    checked={tracking === mode}
                    onChange={() => setTracking(mode)}
                    aria-describedby={`${id}-desc`}
                    className="mt-0.5 h-4 w-4 shrink-0 accent-blue-700"
                  />
                  <div className="min-w-0">
                    <label htmlFor={id} className="text-sm font-medium text-slate-900">
                      {TRACKING[mode].label}
                    </label>
                    <p id={`${id}-desc`} className="text-xs text-slate-700">
                      {TRACKING[mode].description}
                    </p>
                  </div>
                </div>
              );
            })}
          </div>
        </fieldset>

        <TextAreaField
          label="Postal address"
          rows={3}
          maxLength={POSTAL_MAX}
          disabled={!canEdit || save.isPending}
          inputClassName="font-sans!"
          placeholder="Company name, street, city, postal code, country"
          value={postalAddress}
          error={postalError ? `Postal address ${postalError}` : null}
          onChange={(e) => setPostalAddress(e.target.value)}
          hint={
            <>
              Appears in the footer of every marketing email, next to the unsubscribe link. Anti-spam laws (CAN-SPAM in the US, CASL in Canada and similar
              rules elsewhere) require commercial email to include a valid physical postal address of the sender. Transactional mail is unaffected.{' '}
              {postalAddress.length}/{POSTAL_MAX} characters.
            </>
          }
        />

        <SelectField
          label="Language of hosted pages"
          className="max-w-md"
          disabled={!canEdit || save.isPending}
          value={language}
          onChange={(e) => setLanguage(e.target.value)}
          hint="The unsubscribe and preference pages your contacts open from your emails, and the marketing footer, use this language."
        >
          {languages.map((l) => (
            <option key={l.value} value={l.value}>
              {l.label}
            </option>
          ))}
        </SelectField>

        {canEdit ? (
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" variant="primary" loading={save.isPending} disabled={!dirty}>
              Save sending settings
            </Button>
            {dirty && !save.isPending && (
              <Button
                variant="ghost"
                onClick={() => {
                  setTracking(saved.tracking);
                  setPostalAddress(saved.postalAddress);
                  setLanguage(saved.language);
                  save.reset();
                }}
              >
                Discard changes
              </Button>
            )}
          </div>
        ) : (
          <p className="text-sm text-slate-700">Only owners and admins can change the sending settings.</p>
        )}
      </form>
    </Card>
  );
}
