import { useId } from 'react';
import { TIME_UNITS, type ContactField, type ContactFieldType, type TimeUnit } from '../../api/types';
import { Button } from '../../components/ui/button';
import { SelectField, TextField } from '../../components/ui/input';
import {
  CONTACT_FIELDS,
  EMAIL_ACTIVITIES,
  OPERATORS,
  TIMED_OPERATORS,
  emptyCondition,
  emptyFilter,
  emptyGroup,
  fieldFamily,
  operatorLabel,
  valueKind,
  type ConditionDraft,
  type FilterDraft,
  type FilterPart,
  type FilterProblems,
  type GroupDraft,
  type MappedErrors,
} from './filter-model';

const CUSTOM_DATA = '__custom_data__';
const CUSTOM_EVENT = '__custom_event__';
const UNIT_LABELS: Record<TimeUnit, string> = { days: 'days', hours: 'hours', minutes: 'minutes' };

export interface BuilderOptions {
  /** Custom data fields (the standard columns excluded). */
  dataFields: ContactField[];
  eventNames: string[];
  /** Other segments of the project (this one excluded). */
  segments: { id: string; name: string }[];
}

interface BuilderContext {
  options: BuilderOptions;
  dataTypes: Map<string, ContactFieldType>;
  /** Local problems (shown after a save attempt). */
  problems: Map<string, FilterProblems>;
  emptyGroups: Set<string>;
  showProblems: boolean;
  errors: MappedErrors;
}

export interface ConditionBuilderProps extends Omit<BuilderContext, 'dataTypes'> {
  value: ConditionDraft;
  onChange: (next: ConditionDraft) => void;
}

/**
 * The visual filter builder: groups combined with AND/OR, each group's filters ANDed, and one level of
 * nested condition per group. Every control is labelled with its place ("Field for filter 1 of group 2").
 */
export function ConditionBuilder({ value, onChange, ...rest }: ConditionBuilderProps) {
  const dataTypes = new Map(rest.options.dataFields.map((f) => [f.field, f.type]));
  return <ConditionEditor cond={value} onChange={onChange} ctx={{ ...rest, dataTypes }} path={[]} />;
}

function ConditionEditor({ cond, onChange, ctx, path, onRemove }: { cond: ConditionDraft; onChange: (c: ConditionDraft) => void; ctx: BuilderContext; path: number[]; onRemove?: () => void }) {
  const nested = path.length > 0;
  const where = nested ? `the nested condition of group ${path.join('.')}` : 'the segment';
  const setGroup = (g: GroupDraft) => onChange({ ...cond, groups: cond.groups.map((x) => (x.key === g.key ? g : x)) });
  const removeGroup = (key: string) => {
    const groups = cond.groups.filter((g) => g.key !== key);
    if (groups.length === 0 && onRemove) onRemove();
    else onChange({ ...cond, groups: groups.length ? groups : [emptyGroup()] });
  };
  return (
    <div className={nested ? 'space-y-3 rounded-md border border-dashed border-slate-400 bg-white p-3' : 'space-y-4'}>
      <div className="flex flex-wrap items-end gap-3">
        <SelectField
          label={nested ? `Nested condition of group ${path.join('.')}: contacts must match` : 'Contacts must match'}
          className="w-full sm:w-80"
          value={cond.logic}
          onChange={(e) => onChange({ ...cond, logic: e.target.value === 'OR' ? 'OR' : 'AND' })}
        >
          <option value="AND">{nested ? 'Every group below (AND)' : 'Every group (AND)'}</option>
          <option value="OR">{nested ? 'Any group below (OR)' : 'At least one group (OR)'}</option>
        </SelectField>
        {onRemove && (
          <Button size="sm" variant="ghost" onClick={onRemove}>
            Remove nested condition
            <span className="sr-only"> of group {path.join('.')}</span>
          </Button>
        )}
      </div>
      <ol className="space-y-3" aria-label={`Groups of ${where}`}>
        {cond.groups.map((g, i) => (
          <li key={g.key}>
            {i > 0 && (
              <p className="mb-3 flex items-center gap-2 text-xs font-semibold tracking-wide text-slate-700 uppercase">
                <span className="h-px flex-1 bg-slate-300" aria-hidden="true" />
                {cond.logic === 'AND' ? 'and' : 'or'}
                <span className="h-px flex-1 bg-slate-300" aria-hidden="true" />
              </p>
            )}
            <GroupEditor
              group={g}
              onChange={setGroup}
              onRemove={cond.groups.length > 1 || onRemove ? () => removeGroup(g.key) : undefined}
              ctx={ctx}
              path={[...path, i + 1]}
            />
          </li>
        ))}
      </ol>
      <Button size="sm" onClick={() => onChange({ ...cond, groups: [...cond.groups, emptyGroup()] })}>
        {nested ? 'Add nested group' : 'Add group'}
        <span className="sr-only"> to {where}</span>
      </Button>
    </div>
  );
}

function GroupEditor({ group, onChange, onRemove, ctx, path }: { group: GroupDraft; onChange: (g: GroupDraft) => void; onRemove?: () => void; ctx: BuilderContext; path: number[] }) {
  const name = `group ${path.join('.')}`;
  const legendId = useId();
  const serverErrors = ctx.errors.groups.get(group.key) ?? [];
  const empty = ctx.showProblems && ctx.emptyGroups.has(group.key);
  const setFilter = (f: FilterDraft) => onChange({ ...group, filters: group.filters.map((x) => (x.key === f.key ? f : x)) });
  const canNest = path.length === 1;
  const Heading = path.length === 1 ? 'h3' : 'h4';
  return (
    <div role="group" aria-labelledby={legendId} className="min-w-0 rounded-md border border-slate-300 bg-slate-50 p-3 sm:p-4">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <Heading id={legendId} className="text-sm font-semibold text-slate-900">
          Group {path.join('.')}
          <span className="ml-2 text-xs font-normal text-slate-700">every filter must match</span>
        </Heading>
        {onRemove && (
          <Button size="sm" variant="ghost" onClick={onRemove}>
            Remove<span className="sr-only"> {name}</span>
          </Button>
        )}
      </div>
      <ol className="space-y-3" aria-label={`Filters of ${name}`}>
        {group.filters.map((f, i) => (
          <li key={f.key}>
            <FilterRow
              filter={f}
              label={`filter ${i + 1} of ${name}`}
              first={i === 0}
              onChange={setFilter}
              onRemove={() => onChange({ ...group, filters: group.filters.filter((x) => x.key !== f.key) })}
              ctx={ctx}
            />
          </li>
        ))}
      </ol>
      {group.nested && (
        <div className="mt-3">
          {group.filters.length > 0 && <p className="mb-2 text-xs font-semibold tracking-wide text-slate-700 uppercase">and</p>}
          <ConditionEditor cond={group.nested} onChange={(nested) => onChange({ ...group, nested })} onRemove={() => onChange({ ...group, nested: null })} ctx={ctx} path={path} />
        </div>
      )}
      {(serverErrors.length > 0 || empty) && (
        <ul className="mt-3 space-y-1 text-xs font-medium text-red-700">
          {empty && <li>Add a filter or a nested condition to this group, or remove it.</li>}
          {serverErrors.map((m, i) => (
            <li key={`${i}-${m}`}>{m}</li>
          ))}
        </ul>
      )}
      <div className="mt-3 flex flex-wrap gap-2">
        <Button size="sm" onClick={() => onChange({ ...group, filters: [...group.filters, emptyFilter()] })}>
          Add filter<span className="sr-only"> to {name}</span>
        </Button>
        {canNest && !group.nested && (
          <Button size="sm" variant="ghost" onClick={() => onChange({ ...group, nested: emptyCondition('OR') })}>
            Add nested condition<span className="sr-only"> to {name}</span>
          </Button>
        )}
      </div>
    </div>
  );
}

function fieldSelectValue(f: FilterDraft): string {
  if (f.custom === 'data') return CUSTOM_DATA;
  if (f.custom === 'event') return CUSTOM_EVENT;
  return f.field;
}

/** The operator a family starts with, and a value that fits the new input. */
function withField(f: FilterDraft, field: string, custom: FilterDraft['custom'], dataTypes: Map<string, ContactFieldType>): FilterDraft {
  const before = fieldFamily(f.field);
  const family = fieldFamily(field);
  const typeOf = (x: string) => (x.startsWith('data.') ? dataTypes.get(x.slice(5)) : undefined);
  const next: FilterDraft = { ...f, field, custom };
  if (!family) return { ...next, operator: '', value: '' };
  if (!OPERATORS[family].includes(f.operator) || before !== family) next.operator = OPERATORS[family][0];
  const kindBefore = valueKind(before, f.operator, typeOf(f.field));
  const kindAfter = valueKind(family, next.operator, typeOf(field));
  if (kindBefore !== kindAfter || before !== family) next.value = kindAfter === 'boolean' ? 'true' : '';
  return next;
}

function FilterRow({ filter: f, label, first, onChange, onRemove, ctx }: { filter: FilterDraft; label: string; first: boolean; onChange: (f: FilterDraft) => void; onRemove: () => void; ctx: BuilderContext }) {
  const errorId = useId();
  const family = fieldFamily(f.field);
  const dataType = family === 'data' ? ctx.dataTypes.get(f.field.slice(5)) : undefined;
  const kind = valueKind(family, f.operator, dataType);
  const local = ctx.showProblems ? ctx.problems.get(f.key) : undefined;
  const server = ctx.errors.filters.get(f.key) ?? [];
  const messages = [
    ...(local ? (Object.entries(local) as [FilterPart, string][]).map(([part, message]) => ({ part, message })) : []),
    ...server.map((e) => ({ part: e.part, message: e.message })),
  ];
  const invalid = (part: FilterPart) => messages.some((m) => m.part === part || (m.part === null && part === 'field'));
  const control = (part: FilterPart) => ({
    'aria-invalid': invalid(part) || undefined,
    'aria-describedby': invalid(part) ? errorId : undefined,
  });

  const { options } = ctx;
  const knownData = new Set(options.dataFields.map((d) => `data.${d.field}`));
  const knownEvents = new Set(options.eventNames.map((n) => `event.${n}`));
  const knownSegments = new Set(options.segments.map((s) => `segment.${s.id}`));
  const activityFields = new Set<string>(EMAIL_ACTIVITIES.map((a) => a.field));
  // A stored filter whose target is not in the lists (a deleted segment) stays selectable.
  const orphan =
    f.custom === null && f.field && ((family === 'segment' && !knownSegments.has(f.field)) || (family === 'emailActivity' && !activityFields.has(f.field)) || (family === 'data' && !knownData.has(f.field)) || (family === 'event' && !knownEvents.has(f.field)))
      ? f.field
      : null;

  const onFieldSelect = (v: string) => {
    if (v === CUSTOM_DATA) onChange(withField(f, f.custom === 'data' ? f.field : 'data.', 'data', ctx.dataTypes));
    else if (v === CUSTOM_EVENT) onChange(withField(f, f.custom === 'event' ? f.field : 'event.', 'event', ctx.dataTypes));
    else onChange(withField(f, v, null, ctx.dataTypes));
  };
  const onOperator = (operator: string) => {
    const next = { ...f, operator };
    if (valueKind(family, operator, dataType) !== kind) next.value = valueKind(family, operator, dataType) === 'boolean' ? 'true' : '';
    onChange(next);
  };
  const ago = f.operator === 'olderThan';

  return (
    <div className="rounded-md border border-slate-200 bg-white p-3">
      <div className="grid min-w-0 gap-2 md:grid-cols-[minmax(0,14rem)_minmax(0,17rem)_minmax(0,1fr)_auto] md:items-start">
        <div className="min-w-0 space-y-2">
          <SelectField label={`Field for ${label}`} hideLabel value={fieldSelectValue(f)} onChange={(e) => onFieldSelect(e.target.value)} {...control('field')}>
            <option value="" disabled>
              {first ? 'Choose a field…' : 'And… choose a field'}
            </option>
            <optgroup label="Contact">
              {CONTACT_FIELDS.map((c) => (
                <option key={c.field} value={c.field}>
                  {c.label}
                </option>
              ))}
            </optgroup>
            <optgroup label="Data fields">
              {options.dataFields.map((d) => (
                <option key={d.field} value={`data.${d.field}`}>
                  {d.field}
                </option>
              ))}
              {orphan && family === 'data' && <option value={orphan}>{orphan.slice(5)}</option>}
              <option value={CUSTOM_DATA}>Custom path…</option>
            </optgroup>
            <optgroup label="Events">
              {options.eventNames.map((n) => (
                <option key={n} value={`event.${n}`}>
                  {n}
                </option>
              ))}
              {orphan && family === 'event' && <option value={orphan}>{orphan.slice(6)}</option>}
              <option value={CUSTOM_EVENT}>Other event name…</option>
            </optgroup>
            <optgroup label="Email activity">
              {EMAIL_ACTIVITIES.map((a) => (
                <option key={a.field} value={a.field}>
                  {a.label}
                </option>
              ))}
              {orphan && family === 'emailActivity' && <option value={orphan}>{orphan}</option>}
            </optgroup>
            <optgroup label="Other segments">
              {options.segments.map((s) => (
                <option key={s.id} value={`segment.${s.id}`}>
                  {s.name}
                </option>
              ))}
              {orphan && family === 'segment' && <option value={orphan}>Unknown segment ({orphan.slice(8)})</option>}
            </optgroup>
          </SelectField>
          {f.custom === 'data' && (
            <TextField
              label={`Data path for ${label}`}
              hideLabel
              placeholder="Data path, e.g. address.city"
              autoComplete="off"
              spellCheck={false}
              maxLength={300}
              value={f.field.slice(5)}
              onChange={(e) => onChange({ ...f, field: `data.${e.target.value}` })}
              {...control('field')}
            />
          )}
          {f.custom === 'event' && (
            <TextField
              label={`Event name for ${label}`}
              hideLabel
              placeholder="Event name, e.g. purchase"
              autoComplete="off"
              spellCheck={false}
              maxLength={290}
              value={f.field.slice(6)}
              onChange={(e) => onChange({ ...f, field: `event.${e.target.value}` })}
              {...control('field')}
            />
          )}
        </div>

        <SelectField label={`Operator for ${label}`} hideLabel value={family ? f.operator : ''} disabled={!family} onChange={(e) => onOperator(e.target.value)} {...control('operator')}>
          {!family && <option value="">Choose a field first</option>}
          {family && !OPERATORS[family].includes(f.operator) && (
            <option value={f.operator} disabled>
              {f.operator ? `${f.operator} (not available)` : 'Choose a condition…'}
            </option>
          )}
          {family &&
            OPERATORS[family].map((op) => (
              <option key={op} value={op}>
                {operatorLabel(family, op, dataType)}
              </option>
            ))}
        </SelectField>

        <div className="min-w-0">
          {kind === 'duration' ? (
            <div className="flex flex-wrap items-center gap-2">
              <TextField
                label={`Amount for ${label}`}
                hideLabel
                type="number"
                inputMode="numeric"
                min={1}
                step={1}
                placeholder="Amount"
                className="w-28"
                value={f.value}
                onChange={(e) => onChange({ ...f, value: e.target.value })}
                {...control('value')}
              />
              <SelectField label={`Unit for ${label}`} hideLabel className="w-32" value={f.unit} onChange={(e) => onChange({ ...f, unit: e.target.value as TimeUnit })} {...control('unit')}>
                {TIME_UNITS.map((u) => (
                  <option key={u} value={u}>
                    {UNIT_LABELS[u]}
                  </option>
                ))}
              </SelectField>
              {ago && <span className="text-sm text-slate-700">ago</span>}
            </div>
          ) : kind === 'boolean' ? (
            <SelectField label={`Value for ${label}`} hideLabel value={f.value} onChange={(e) => onChange({ ...f, value: e.target.value })} {...control('value')}>
              <option value="true">{family === 'subscribed' ? 'Yes (subscribed)' : 'true'}</option>
              <option value="false">{family === 'subscribed' ? 'No (unsubscribed)' : 'false'}</option>
            </SelectField>
          ) : kind === 'none' ? null : (
            <TextField
              label={`Value for ${label}`}
              hideLabel
              type={kind === 'date' ? 'date' : kind === 'number' ? 'number' : 'text'}
              step={kind === 'number' ? 'any' : undefined}
              placeholder={kind === 'date' ? 'YYYY-MM-DD' : 'Value'}
              autoComplete="off"
              spellCheck={false}
              maxLength={kind === 'text' ? 1000 : undefined}
              value={f.value}
              onChange={(e) => onChange({ ...f, value: e.target.value })}
              {...control('value')}
            />
          )}
        </div>

        <Button size="sm" variant="ghost" className="justify-self-start md:mt-1" onClick={onRemove}>
          Remove<span className="sr-only"> {label}</span>
        </Button>
      </div>
      {messages.length > 0 && (
        <ul id={errorId} className="mt-2 space-y-0.5 text-xs font-medium text-red-700">
          {messages.map((m, i) => (
            <li key={`${i}-${m.message}`}>{m.message}</li>
          ))}
        </ul>
      )}
      {TIMED_OPERATORS.includes(f.operator) && family === 'data' && <p className="mt-2 text-xs text-slate-700">Compares ISO 8601 date strings stored in this field.</p>}
    </div>
  );
}
