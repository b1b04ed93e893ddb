import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { listContactFields } from '../../api/contacts';
import { listEventNames } from '../../api/events';
import { createSegment, listSegments, updateSegment } from '../../api/segments';
import { SEGMENT_TYPES, type Segment, type SegmentInput, type SegmentType } from '../../api/types';
import { Button } from '../../components/ui/button';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextAreaField, TextField } from '../../components/ui/input';
import { Card } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { Switch } from '../../components/ui/switch';
import { ConditionBuilder, type BuilderOptions } from './condition-builder';
import { CONTACT_FIELDS, conditionToDraft, draftProblems, draftToCondition, emptyCondition, emptyGroups, mapConditionErrors, noErrors, type ConditionDraft } from './filter-model';
import { LiveCount, useSegmentPreview } from './live-count';
import { SEGMENT_TYPES_INFO } from './segment-badges';
import { segmentKeys } from './segment-keys';

const STANDARD = new Set<string>(CONTACT_FIELDS.map((f) => f.field));

export interface SegmentFormProps {
  projectId: string;
  /** Undefined for a new segment. */
  segment?: Segment;
  onSaved: (saved: Segment, created: boolean) => void;
}

/** Loads what the field picker offers (data fields, event names, other segments), then shows the form. */
export function SegmentForm(props: SegmentFormProps) {
  const { projectId, segment } = props;
  const fields = useQuery({ queryKey: segmentKeys.fields(projectId), queryFn: () => listContactFields(projectId), staleTime: 60_000 });
  const events = useQuery({ queryKey: segmentKeys.eventNames(projectId), queryFn: () => listEventNames(projectId), staleTime: 60_000 });
  const segments = useQuery({ queryKey: segmentKeys.list(projectId), queryFn: () => listSegments(projectId) });
  if (fields.isPending || events.isPending || segments.isPending) return <LoadingBlock label="Loading fields and events…" />;
  const options: BuilderOptions = {
    dataFields: (fields.data?.fields ?? []).filter((f) => !STANDARD.has(f.field)),
    eventNames: events.data?.eventNames ?? [],
    segments: (segments.data ?? []).filter((s) => s.id !== segment?.id).map((s) => ({ id: s.id, name: s.name })),
  };
  const loadProblems = [
    fields.isError && 'data fields',
    events.isError && 'event names',
    segments.isError && 'other segments',
  ].filter((x): x is string => Boolean(x));
  return <SegmentFormInner {...props} options={options} loadProblems={loadProblems} />;
}

function SegmentFormInner({ projectId, segment, onSaved, options, loadProblems }: SegmentFormProps & { options: BuilderOptions; loadProblems: string[] }) {
  const queryClient = useQueryClient();
  const isNew = !segment;
  const typeName = useId();
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [type, setType] = useState<SegmentType>(segment?.type ?? 'DYNAMIC');
  const [trackMembership, setTrackMembership] = useState(segment?.trackMembership ?? false);
  const [draft, setDraft] = useState<ConditionDraft>(() =>
    segment?.condition
      ? conditionToDraft(segment.condition, new Set(options.dataFields.map((f) => f.field)), new Set(options.eventNames))
      : emptyCondition(),
  );
  const [showProblems, setShowProblems] = useState(false);
  const [nameError, setNameError] = useState<string | null>(null);

  const dataTypes = useMemo(() => new Map(options.dataFields.map((f) => [f.field, f.type])), [options.dataFields]);
  const dynamic = type === 'DYNAMIC';
  const problems = useMemo(() => draftProblems(draft, dataTypes), [draft, dataTypes]);
  const empties = useMemo(() => emptyGroups(draft), [draft]);
  const complete = problems.size === 0 && empties.size === 0;
  const condition = useMemo(() => (dynamic && complete ? draftToCondition(draft, dataTypes) : null), [dynamic, complete, draft, dataTypes]);
  const preview = useSegmentPreview(projectId, condition);

  const save = useMutation({
    mutationFn: (body: SegmentInput) =>
      isNew
        ? createSegment(projectId, body)
        : updateSegment(projectId, segment.id, { name: body.name, description: body.description, ...(dynamic ? { condition: body.condition ?? undefined, trackMembership: body.trackMembership } : {}) }),
    onSuccess: (saved) => {
      queryClient.setQueryData(segmentKeys.one(projectId, saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: segmentKeys.list(projectId) });
      void queryClient.invalidateQueries({ queryKey: segmentKeys.contacts(projectId, saved.id) });
      onSaved(saved, isNew);
    },
  });

  // Server field errors belong to the draft they were about: the saved one, or the one last counted.
  const saveError = save.error instanceof ApiError ? save.error : null;
  const savedJson = save.variables?.condition ? JSON.stringify(save.variables.condition) : null;
  const mapped = useMemo(() => {
    const ofCondition = (e: ApiError) => e.fieldErrors.filter((f) => f.field === 'condition' || f.field?.startsWith('condition.'));
    if (saveError && savedJson && savedJson === preview.json && ofCondition(saveError).length) return mapConditionErrors(draft, ofCondition(saveError));
    if (preview.settled && preview.query.error instanceof ApiError && !preview.query.isFetching) return mapConditionErrors(draft, ofCondition(preview.query.error));
    return noErrors();
  }, [saveError, savedJson, preview.json, preview.settled, preview.query.error, preview.query.isFetching, draft]);
  const fieldError = (field: string) => saveError?.fieldErrors.find((f) => f.field === field)?.message ?? null;
  const placedElsewhere = (field: string | undefined) => field === 'name' || field === 'description' || field === 'trackMembership' || field === 'condition' || !!field?.startsWith('condition.');
  // The general alert covers errors without a field, and fields this form has no place for.
  const showSaveAlert = save.isError && (!saveError || saveError.fieldErrors.length === 0 || saveError.fieldErrors.some((f) => !placedElsewhere(f.field)));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problem = name.trim() ? null : 'Enter a name.';
    setNameError(problem);
    if (dynamic && !complete) setShowProblems(true);
    if (problem || (dynamic && !complete)) {
      const target = problem ? 'segment-name' : null;
      if (target) document.getElementById(target)?.focus();
      return;
    }
    save.mutate({
      name: name.trim(),
      description: description.trim() || (isNew ? undefined : null),
      type,
      ...(dynamic ? { condition: draftToCondition(draft, dataTypes), trackMembership } : {}),
    });
  };

  const slug = segment?.slug;
  const events = slug ? `segment.${slug}.entry and segment.${slug}.exit` : 'segment.<slug>.entry and segment.<slug>.exit (the slug is made from the name)';

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6">
      <Card title="Details">
        <div className="space-y-4">
          <TextField
            id="segment-name"
            label="Name"
            required
            maxLength={100}
            autoComplete="off"
            value={name}
            error={nameError ?? fieldError('name')}
            onChange={(e) => {
              setName(e.target.value);
              setNameError(null);
            }}
          />
          <TextAreaField
            label="Description (optional)"
            maxLength={500}
            rows={2}
            inputClassName="font-sans"
            value={description}
            error={fieldError('description')}
            hint="For your team: who is in this segment and what it is for."
            onChange={(e) => setDescription(e.target.value)}
          />
          {isNew ? (
            <fieldset>
              <legend className="mb-1 block text-sm font-medium text-slate-800">Type</legend>
              <div className="grid gap-2 sm:grid-cols-2">
                {SEGMENT_TYPES.map((t) => (
                  <label
                    key={t}
                    className={`flex cursor-pointer items-start gap-2 rounded-md border p-3 text-sm ${type === t ? 'border-blue-700 bg-blue-50' : 'border-slate-300 bg-white'}`}
                  >
                    <input
                      type="radio"
                      name={typeName}
                      value={t}
                      checked={type === t}
                      onChange={() => setType(t)}
                      className="mt-0.5 h-4 w-4 accent-blue-700"
                    />
                    <span>
                      <span className="block font-medium text-slate-900">{SEGMENT_TYPES_INFO[t].label}</span>
                      <span className="block text-xs text-slate-700">{SEGMENT_TYPES_INFO[t].description}</span>
                    </span>
                  </label>
                ))}
              </div>
              <p className="mt-1 text-xs text-slate-700">The type cannot be changed later.</p>
            </fieldset>
          ) : (
            <p className="text-sm text-slate-800">
              <span className="font-medium">Type:</span> {SEGMENT_TYPES_INFO[type].label}. {SEGMENT_TYPES_INFO[type].description}
            </p>
          )}
          {dynamic ? (
            <div>
              <Switch
                label="Track membership"
                checked={trackMembership}
                onChange={setTrackMembership}
                hint={`Records when contacts enter and leave this segment and emits ${events}, so workflows can start from them. Membership is recomputed every 5 minutes, or now with Compute now.`}
              />
              {fieldError('trackMembership') && <p className="mt-1 text-xs font-medium text-red-700">{fieldError('trackMembership')}</p>}
            </div>
          ) : (
            <p className="text-xs text-slate-700">Membership tracking (entry and exit events for workflows) is available for dynamic segments.</p>
          )}
        </div>
      </Card>

      {dynamic && (
        <Card title="Filters">
          <div className="space-y-4">
            <p className="text-sm text-slate-700">
              A contact is in the segment when it matches the groups below. Inside a group every filter must match; a group can add a nested condition for
              either-or rules.
            </p>
            {loadProblems.length > 0 && (
              <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-950">
                Could not load the {loadProblems.join(', ')}. You can still type a data path or an event name with the “Custom path…” and “Other event name…”
                choices.
              </p>
            )}
            <ConditionBuilder
              value={draft}
              onChange={(next) => {
                setDraft(next);
                if (save.isError) save.reset();
              }}
              options={options}
              problems={problems}
              emptyGroups={empties}
              showProblems={showProblems}
              errors={mapped}
            />
            <LiveCount projectId={projectId} preview={preview} complete={complete} otherErrors={mapped.other} />
            {saveError && mapped.other.length > 0 && (
              <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
                <p className="font-semibold">The filters were not accepted</p>
                <ul className="mt-1 list-disc pl-5">
                  {mapped.other.map((m, i) => (
                    <li key={`${i}-${m}`}>{m}</li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        </Card>
      )}

      {showSaveAlert && <ErrorAlert error={save.error} title={isNew ? 'Could not create the segment' : 'Could not save the segment'} />}
      {showProblems && dynamic && !complete && (
        <p role="alert" className="text-sm font-medium text-red-700">
          Some filters are unfinished: complete or remove the marked ones, then save again.
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="primary" loading={save.isPending}>
          {isNew ? 'Create segment' : 'Save segment'}
        </Button>
      </div>
    </form>
  );
}
