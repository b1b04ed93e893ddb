import { useMutation, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useId, useMemo, useState, type FormEvent } from 'react';
import {
  cancelCampaign,
  createCampaign,
  deleteCampaign,
  sendCampaign,
  testCampaign,
  updateCampaign,
  type AudienceType,
  type Campaign,
  type CampaignInput,
  type CampaignType,
} from '../../api/campaigns';
import { ApiError } from '../../api/client';
import { listContactFields } from '../../api/contacts';
import { listEventNames } from '../../api/events';
import { listSegments } from '../../api/segments';
import { Button } from '../../components/ui/button';
import { ConfirmDialog, Dialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField, TextAreaField, TextField } from '../../components/ui/input';
import { Card } from '../../components/ui/page-header';
import { SandboxedFrame } from '../../components/ui/sandboxed-frame';
import { LoadingBlock } from '../../components/ui/spinner';
import { useToast } from '../../components/ui/toast';
import { formatDateTime, formatNumber, localInputToIso } from '../../lib/format';
import { useMe } from '../../lib/session';
import { ConditionBuilder, type BuilderOptions } from '../segments/condition-builder';
import { CONTACT_FIELDS, conditionToDraft, draftProblems, draftToCondition, emptyCondition, emptyGroups, noErrors, type ConditionDraft } from '../segments/filter-model';
import { LiveCount, useSegmentPreview } from '../segments/live-count';
import { segmentKeys } from '../segments/segment-keys';

const STANDARD = new Set<string>(CONTACT_FIELDS.map((f) => f.field));

const STARTER = `<!doctype html>
<html>
  <body style="font-family: sans-serif; color: #1e293b;">
    <h1>Hello {{ name | default: "there" }}!</h1>
    <p>Here is what is new this month.</p>
  </body>
</html>`;

const AUDIENCES: { value: AudienceType; label: string; hint: string }[] = [
  { value: 'ALL', label: 'All contacts', hint: 'Every contact of the project.' },
  { value: 'SEGMENT', label: 'A segment', hint: 'The members of one segment when sending starts.' },
  { value: 'FILTERED', label: 'A filter', hint: 'Contacts matching the filters below when sending starts.' },
];

const TYPE_HINT: Record<CampaignType, string> = {
  MARKETING: 'Unsubscribed contacts are skipped.',
  TRANSACTIONAL: 'Sent to every contact in the audience, subscribed or not.',
};

export interface CampaignFormProps {
  projectId: string;
  /** Undefined for a new campaign. */
  campaign?: Campaign;
  onSaved: (saved: Campaign) => void | Promise<void>;
  onDeleted: () => void | Promise<void>;
}

/** Loads what the audience picker offers (segments, data fields, event names), then shows the form. */
export function CampaignForm(props: CampaignFormProps) {
  const { projectId } = props;
  const fields = useQuery({ queryKey: segmentKeys.fields(projectId), queryFn: () => listContactFields(projectId), staleTime: 60_000 });
  const events = useQuery({ queryKey: segmentKeys.eventNames(projectId), queryFn: () => listEventNames(projectId), staleTime: 60_000 });
  const segments = useQuery({ queryKey: segmentKeys.list(projectId), queryFn: () => listSegments(projectId) });
  if (fields.isPending || events.isPending || segments.isPending) return <LoadingBlock label="Loading segments and fields…" />;
  const options: BuilderOptions = {
    dataFields: (fields.data?.fields ?? []).filter((f) => !STANDARD.has(f.field)),
    eventNames: events.data?.eventNames ?? [],
    segments: (segments.data ?? []).map((s) => ({ id: s.id, name: s.name })),
  };
  return <CampaignFormInner {...props} options={options} segmentsFailed={segments.isError} />;
}

interface Fields {
  name: string;
  subject: string;
  from: string;
  fromName: string;
  replyTo: string;
  type: CampaignType;
  body: string;
  audienceType: AudienceType;
  segmentId: string;
}

function initialFields(c?: Campaign): Fields {
  return {
    name: c?.name ?? '',
    subject: c?.subject ?? '',
    from: c?.from ?? '',
    fromName: c?.fromName ?? '',
    replyTo: c?.replyTo ?? '',
    type: c?.type ?? 'MARKETING',
    body: c?.body ?? STARTER,
    audienceType: c?.audienceType ?? 'ALL',
    segmentId: c?.segmentId ?? '',
  };
}

function CampaignFormInner({ projectId, campaign, onSaved, onDeleted, options, segmentsFailed }: CampaignFormProps & { options: BuilderOptions; segmentsFailed: boolean }) {
  const isNew = !campaign;
  const toast = useToast();
  const me = useMe();
  const audienceName = useId();
  const [value, setValue] = useState<Fields>(() => initialFields(campaign));
  const [draft, setDraft] = useState<ConditionDraft>(() =>
    campaign?.audienceCondition
      ? conditionToDraft(campaign.audienceCondition, new Set(options.dataFields.map((f) => f.field)), new Set(options.eventNames))
      : emptyCondition(),
  );
  const [draftTouched, setDraftTouched] = useState(false);
  const [showProblems, setShowProblems] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'send' | 'schedule' | 'test' | 'cancel' | 'delete' | null>(null);
  const [scheduleAt, setScheduleAt] = useState('');
  const [testEmail, setTestEmail] = useState('');
  const preview = useDeferredValue(value.body);
  const set = <K extends keyof Fields>(key: K, v: Fields[K]) => setValue((old) => ({ ...old, [key]: v }));

  const dataTypes = useMemo(() => new Map(options.dataFields.map((f) => [f.field, f.type])), [options.dataFields]);
  const filtered = value.audienceType === 'FILTERED';
  const problems = useMemo(() => draftProblems(draft, dataTypes), [draft, dataTypes]);
  const empties = useMemo(() => emptyGroups(draft), [draft]);
  const complete = problems.size === 0 && empties.size === 0;
  const condition = useMemo(() => (filtered && complete ? draftToCondition(draft, dataTypes) : null), [filtered, complete, draft, dataTypes]);
  const livePreview = useSegmentPreview(projectId, condition);

  const dirty = useMemo(() => isNew || JSON.stringify(value) !== JSON.stringify(initialFields(campaign)) || draftTouched, [isNew, value, campaign, draftTouched]);

  const save = useMutation({
    mutationFn: (body: CampaignInput) => (campaign ? updateCampaign(projectId, campaign.id, body) : createCampaign(projectId, body)),
    onSuccess: async (saved) => {
      toast.show(isNew ? 'Draft saved.' : 'Campaign saved.');
      setDraftTouched(false);
      await onSaved(saved);
    },
  });
  const send = useMutation({
    mutationFn: (at?: string) => sendCampaign(projectId, campaign!.id, at),
    onSuccess: async (saved) => {
      setDialog(null);
      toast.show(saved.status === 'SCHEDULED' ? `Campaign scheduled for ${formatDateTime(saved.scheduledFor)}.` : 'Sending started.');
      await onSaved(saved);
    },
  });
  const cancel = useMutation({
    mutationFn: () => cancelCampaign(projectId, campaign!.id),
    onSuccess: async (saved) => {
      setDialog(null);
      toast.show('Campaign cancelled.');
      await onSaved(saved);
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteCampaign(projectId, campaign!.id),
    onSuccess: async () => {
      setDialog(null);
      toast.show('Campaign deleted.');
      await onDeleted();
    },
  });
  const test = useMutation({
    mutationFn: (email: string) => testCampaign(projectId, campaign!.id, email),
    onSuccess: (r) => {
      setDialog(null);
      toast.show(r.message, r.data.status === 'SUPPRESSED' ? 'error' : 'success');
    },
  });

  const saveError = save.error instanceof ApiError ? save.error : null;
  const fieldError = (field: string) => saveError?.fieldErrors.find((f) => f.field === field || f.field === `body.${field}`)?.message ?? null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setLocalError(null);
    if (!value.name.trim() || !value.subject.trim() || !value.from.trim() || !value.body.trim()) {
      setLocalError('Fill in the name, subject, from email and body.');
      return;
    }
    if (value.audienceType === 'SEGMENT' && !value.segmentId) {
      setLocalError('Choose a segment.');
      return;
    }
    if (filtered && !complete) {
      setShowProblems(true);
      setLocalError('Some filters are unfinished: complete or remove the marked ones, then save again.');
      return;
    }
    save.mutate({
      name: value.name.trim(),
      subject: value.subject,
      body: value.body,
      from: value.from.trim(),
      fromName: value.fromName.trim() || null,
      replyTo: value.replyTo.trim() || null,
      type: value.type,
      audienceType: value.audienceType,
      segmentId: value.audienceType === 'SEGMENT' ? value.segmentId : null,
      audienceCondition: filtered ? draftToCondition(draft, dataTypes) : null,
    });
  };

  const recipients = campaign?.totalRecipients ?? 0;
  const recipientText = `${formatNumber(recipients)} recipient${recipients === 1 ? '' : 's'}`;
  const canSend = !!campaign && !dirty;
  const scheduleIso = localInputToIso(scheduleAt);

  return (
    <div className="space-y-6">
      <form onSubmit={onSubmit} noValidate className="space-y-6">
        <div className="grid gap-6 xl:grid-cols-2">
          <Card title="Email">
            <div className="space-y-4">
              <TextField label="Campaign name" required maxLength={200} autoComplete="off" value={value.name} onChange={(e) => set('name', e.target.value)} error={fieldError('name')} />
              <TextField label="Subject" required maxLength={998} value={value.subject} onChange={(e) => set('subject', e.target.value)} error={fieldError('subject')} hint="Liquid variables work here too, e.g. {{ name }}." />
              <div className="grid gap-4 sm:grid-cols-2">
                <TextField label="From email" type="email" required value={value.from} onChange={(e) => set('from', e.target.value)} error={fieldError('from')} placeholder="news@example.com" />
                <TextField label="From name" maxLength={100} value={value.fromName} onChange={(e) => set('fromName', e.target.value)} error={fieldError('fromName')} />
              </div>
              <TextField label="Reply-to email" type="email" value={value.replyTo} onChange={(e) => set('replyTo', e.target.value)} error={fieldError('replyTo')} />
              <SelectField label="Type" value={value.type} onChange={(e) => set('type', e.target.value as CampaignType)} hint={TYPE_HINT[value.type]}>
                <option value="MARKETING">Marketing</option>
                <option value="TRANSACTIONAL">Transactional</option>
              </SelectField>
              <TextAreaField
                label="Body (HTML)"
                required
                rows={14}
                spellCheck={false}
                value={value.body}
                onChange={(e) => set('body', e.target.value)}
                error={fieldError('body')}
                hint="HTML with Liquid variables ({{ name }}, {{ data.plan }}). An unsubscribe link is added to marketing campaigns."
              />
            </div>
          </Card>
          <Card title="Preview">
            <p className="mb-3 text-xs break-words text-slate-700">
              Subject: <span className="font-medium text-slate-900">{value.subject || '(no subject)'}</span>. Variables are shown as written; scripts never run in the preview.
            </p>
            <SandboxedFrame html={preview} title="Campaign preview" className="h-[32rem]" />
          </Card>
        </div>

        <Card title="Audience">
          <div className="space-y-4">
            <fieldset>
              <legend className="mb-1 block text-sm font-medium text-slate-800">Send to</legend>
              <div className="grid gap-2 sm:grid-cols-3">
                {AUDIENCES.map((a) => (
                  <label key={a.value} className={`flex cursor-pointer items-start gap-2 rounded-md border p-3 text-sm ${value.audienceType === a.value ? 'border-blue-700 bg-blue-50' : 'border-slate-300 bg-white'}`}>
                    <input type="radio" name={audienceName} value={a.value} checked={value.audienceType === a.value} onChange={() => set('audienceType', a.value)} className="mt-0.5 h-4 w-4 accent-blue-700" />
                    <span>
                      <span className="block font-medium text-slate-900">{a.label}</span>
                      <span className="block text-xs text-slate-700">{a.hint}</span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
            {value.audienceType === 'SEGMENT' &&
              (segmentsFailed ? (
                <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-950">
                  Could not load the segments. Reload the page to try again.
                </p>
              ) : (
                <SelectField label="Segment" value={value.segmentId} onChange={(e) => set('segmentId', e.target.value)} error={fieldError('segmentId')} hint={options.segments.length === 0 ? 'This project has no segments yet.' : undefined}>
                  <option value="">Choose a segment…</option>
                  {options.segments.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </SelectField>
              ))}
            {filtered && (
              <>
                <ConditionBuilder
                  value={draft}
                  onChange={(next) => {
                    setDraft(next);
                    setDraftTouched(true);
                  }}
                  options={options}
                  problems={problems}
                  emptyGroups={empties}
                  showProblems={showProblems}
                  errors={noErrors()}
                />
                <LiveCount projectId={projectId} preview={livePreview} complete={complete} otherErrors={[]} />
              </>
            )}
            <p className="text-sm text-slate-800" data-testid="campaign-recipients">
              {campaign ? (
                <>
                  <span className="font-semibold">{recipientText}</span> {dirty ? 'when last saved. Save the draft to update the count.' : 'in the saved audience.'}
                  {value.type === 'MARKETING' && ' Unsubscribed contacts are not counted.'}
                </>
              ) : (
                'Save as draft to see how many contacts will receive it.'
              )}
            </p>
          </div>
        </Card>

        {localError && (
          <p role="alert" className="text-sm font-medium text-red-700">
            {localError}
          </p>
        )}
        {save.isError && <ErrorAlert error={save.error} title="Could not save the campaign" />}
        {campaign?.status === 'SCHEDULED' && campaign.scheduledFor && (
          <p className="text-sm text-slate-800">
            Scheduled for <span className="font-medium">{formatDateTime(campaign.scheduledFor)}</span>.
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" variant="primary" loading={save.isPending}>
            Save draft
          </Button>
          {campaign && (
            <>
              <Button
                disabled={dirty}
                onClick={() => {
                  setTestEmail((old) => old || me.data?.email || '');
                  test.reset();
                  setDialog('test');
                }}
              >
                Send test
              </Button>
              <Button
                disabled={!canSend}
                onClick={() => {
                  send.reset();
                  setDialog('send');
                }}
              >
                Send now
              </Button>
              <Button
                disabled={!canSend}
                onClick={() => {
                  send.reset();
                  setDialog('schedule');
                }}
              >
                Schedule…
              </Button>
              {campaign.status === 'SCHEDULED' && (
                <Button variant="danger" onClick={() => setDialog('cancel')}>
                  Cancel campaign
                </Button>
              )}
              {campaign.status === 'DRAFT' && (
                <Button variant="danger" onClick={() => setDialog('delete')}>
                  Delete campaign
                </Button>
              )}
            </>
          )}
        </div>
        {campaign && dirty && <p className="text-xs text-slate-700">Save your changes before sending a test or sending the campaign.</p>}
      </form>

      {campaign && (
        <>
          <ConfirmDialog
            open={dialog === 'send'}
            onClose={() => setDialog(null)}
            onConfirm={() => send.mutate(undefined)}
            busy={send.isPending}
            danger={false}
            title="Send this campaign now?"
            confirmLabel={`Send to ${recipientText}`}
            description={
              <p data-testid="send-confirm-count">
                “{campaign.name}” will be sent to <strong>{recipientText}</strong> now. This cannot be undone once the emails are out.
              </p>
            }
          >
            {send.isError && <ErrorAlert error={send.error} title="Could not send the campaign" />}
          </ConfirmDialog>
          <ConfirmDialog
            open={dialog === 'schedule'}
            onClose={() => setDialog(null)}
            onConfirm={() => scheduleIso && send.mutate(scheduleIso)}
            busy={send.isPending}
            danger={false}
            confirmDisabled={!scheduleIso}
            title="Schedule this campaign"
            confirmLabel="Schedule"
            description={
              <p>
                “{campaign.name}” will be sent to <strong>{recipientText}</strong> (counted again when sending starts).
              </p>
            }
          >
            <div className="space-y-3">
              <TextField label="Send at (your local time)" type="datetime-local" value={scheduleAt} onChange={(e) => setScheduleAt(e.target.value)} />
              {send.isError && <ErrorAlert error={send.error} title="Could not schedule the campaign" />}
            </div>
          </ConfirmDialog>
          <Dialog
            open={dialog === 'test'}
            onClose={() => setDialog(null)}
            title="Send a test email"
            description="One copy of the saved campaign, rendered for this address. It does not count towards the campaign's stats."
            footer={
              <>
                <Button onClick={() => setDialog(null)}>Cancel</Button>
                <Button variant="primary" loading={test.isPending} disabled={!testEmail.trim()} onClick={() => test.mutate(testEmail.trim())}>
                  Send test
                </Button>
              </>
            }
          >
            <div className="space-y-3">
              <TextField label="Send to" type="email" value={testEmail} onChange={(e) => setTestEmail(e.target.value)} />
              {test.isError && <ErrorAlert error={test.error} title="Could not send the test" />}
            </div>
          </Dialog>
          <ConfirmDialog
            open={dialog === 'cancel'}
            onClose={() => setDialog(null)}
            onConfirm={() => cancel.mutate()}
            busy={cancel.isPending}
            title="Cancel this campaign?"
            confirmLabel="Cancel campaign"
            description="The scheduled send will not happen. A cancelled campaign cannot be sent again, but you can duplicate it."
          >
            {cancel.isError && <ErrorAlert error={cancel.error} title="Could not cancel the campaign" />}
          </ConfirmDialog>
          <ConfirmDialog
            open={dialog === 'delete'}
            onClose={() => setDialog(null)}
            onConfirm={() => remove.mutate()}
            busy={remove.isPending}
            title="Delete this draft?"
            confirmLabel="Delete campaign"
            description="The draft is removed for good. This cannot be undone."
          >
            {remove.isError && <ErrorAlert error={remove.error} title="Could not delete the campaign" />}
          </ConfirmDialog>
        </>
      )}
    </div>
  );
}
