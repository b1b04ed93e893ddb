import type { StepConfig, StepType, TransitionInput, WorkflowStep, WorkflowTransition } from '../../api/workflows';

// Pure helpers for the workflow graph: what each step type is, the outcomes (source handles) a step
// has, edge labels, and the structural rules the canvas checks before asking the API.

export interface StepTypeInfo {
  label: string;
  description: string;
  /** Tailwind classes of the node's accent stripe and type label. */
  accent: string;
}

export const STEP_INFO: Record<StepType, StepTypeInfo> = {
  TRIGGER: { label: 'Trigger', description: 'Where every run starts.', accent: 'border-t-blue-700 text-blue-800' },
  SEND_EMAIL: { label: 'Send email', description: 'Sends a template to the contact (or a fixed address).', accent: 'border-t-green-700 text-green-800' },
  DELAY: { label: 'Delay', description: 'Waits a number of minutes, hours or days.', accent: 'border-t-amber-600 text-amber-900' },
  WAIT_FOR_EVENT: { label: 'Wait for event', description: 'Waits until the contact triggers an event, or a timeout.', accent: 'border-t-amber-600 text-amber-900' },
  CONDITION: { label: 'Condition', description: 'Branches on a contact or event field.', accent: 'border-t-purple-700 text-purple-800' },
  WEBHOOK: { label: 'Webhook', description: 'Calls an HTTP endpoint.', accent: 'border-t-slate-600 text-slate-800' },
  UPDATE_CONTACT: { label: 'Update contact', description: 'Changes contact data or the subscription.', accent: 'border-t-slate-600 text-slate-800' },
  EXIT: { label: 'Exit', description: 'Ends the run (status Exited).', accent: 'border-t-red-700 text-red-800' },
};

/** The step types the palette offers (a workflow has exactly one trigger, created with it). */
export const ADDABLE_TYPES = ['SEND_EMAIL', 'DELAY', 'WAIT_FOR_EVENT', 'CONDITION', 'WEBHOOK', 'UPDATE_CONTACT', 'EXIT'] as const satisfies readonly StepType[];
export type AddableType = (typeof ADDABLE_TYPES)[number];

/** A valid starting config for a new step of each type (edited in the side panel afterwards). */
export function defaultConfig(type: AddableType): StepConfig {
  switch (type) {
    case 'SEND_EMAIL':
      return { recipient: { type: 'CONTACT' } };
    case 'DELAY':
      return { amount: 1, unit: 'hours' };
    case 'WAIT_FOR_EVENT':
      return { eventName: 'email.opened', timeout: 86_400 };
    case 'CONDITION':
      return { field: 'contact.subscribed', operator: 'equals', value: true };
    case 'WEBHOOK':
      return { url: 'https://example.com/webhook', method: 'POST' };
    case 'UPDATE_CONTACT':
      return { subscriptionAction: 'subscribe' };
    case 'EXIT':
      return {};
  }
}

/** "Send email", "Send email 2", … : a name not used by another step yet. */
export function defaultName(type: AddableType, steps: WorkflowStep[]): string {
  const base = STEP_INFO[type].label;
  const names = new Set(steps.map((s) => s.name));
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base} ${i}`)) return `${base} ${i}`;
}

export interface Outcome {
  /** The handle id and the transition's branch key. */
  key: string;
  label: string;
}

interface MultiBranch {
  id: string;
  name: string;
}

function multiBranches(config: StepConfig): MultiBranch[] | null {
  if (config.mode !== 'multi' || !Array.isArray(config.branches)) return null;
  return (config.branches as unknown[]).filter((b): b is MultiBranch => !!b && typeof (b as MultiBranch).id === 'string');
}

/** The outcomes of a branching step (one source handle each); null for a step with one plain exit. */
export function outcomesOf(step: Pick<WorkflowStep, 'type' | 'config'>): Outcome[] | null {
  if (step.type === 'CONDITION') {
    const branches = multiBranches(step.config);
    if (branches) return [...branches.map((b) => ({ key: b.id, label: b.name || b.id })), { key: 'default', label: 'Otherwise' }];
    return [
      { key: 'yes', label: 'Yes' },
      { key: 'no', label: 'No' },
    ];
  }
  if (step.type === 'WAIT_FOR_EVENT') {
    const timeout = typeof step.config.timeout === 'number' && step.config.timeout > 0;
    return timeout
      ? [
          { key: 'EVENT', label: 'Event' },
          { key: 'TIMEOUT', label: 'Timeout' },
        ]
      : [{ key: 'EVENT', label: 'Event' }];
  }
  return null;
}

/** The outcome key a transition leaves its source by (null for a plain edge). */
export function edgeOutcome(t: WorkflowTransition): string | null {
  return t.branch ?? t.condition?.branch ?? t.waitOutcome ?? null;
}

export function outcomeLabel(step: WorkflowStep | undefined, key: string | null): string | null {
  if (!key) return null;
  const found = step ? outcomesOf(step)?.find((o) => o.key === key) : undefined;
  return found?.label ?? key;
}

/** The API body for an edge from `from` (by `outcome` when it branches) to `toId`. */
export function transitionBody(from: WorkflowStep, outcome: string | null, toId: string): TransitionInput {
  if (from.type === 'CONDITION') return { fromStepId: from.id, toStepId: toId, condition: { branch: outcome ?? 'yes' } };
  if (from.type === 'WAIT_FOR_EVENT') return { fromStepId: from.id, toStepId: toId, waitOutcome: outcome === 'TIMEOUT' ? 'TIMEOUT' : 'EVENT' };
  return { fromStepId: from.id, toStepId: toId };
}

/**
 * The obvious structural mistakes, refused before asking the API: a self-loop, an edge out of an exit
 * or into the trigger, a second edge from a plain step, an outcome that is already connected.
 * Loops through other steps are left to the API, which knows the whole graph.
 */
export function connectionProblem(steps: WorkflowStep[], transitions: WorkflowTransition[], fromId: string, outcome: string | null, toId: string): string | null {
  const from = steps.find((s) => s.id === fromId);
  const to = steps.find((s) => s.id === toId);
  if (!from || !to) return 'Choose two steps to connect.';
  if (from.id === to.id) return 'A step cannot be connected to itself.';
  if (from.type === 'EXIT') return 'An exit step ends the workflow: nothing can follow it.';
  if (to.type === 'TRIGGER') return 'Nothing can lead into the trigger: it is where every run starts.';
  const outgoing = transitions.filter((t) => t.fromStepId === from.id);
  const outcomes = outcomesOf(from);
  if (!outcomes) {
    if (outgoing.length > 0) return `${from.name} already leads to another step. Delete that connection first.`;
    return null;
  }
  const key = outcome ?? outcomes[0].key;
  if (!outcomes.some((o) => o.key === key)) return `${from.name} has no outcome "${key}".`;
  if (outgoing.some((t) => edgeOutcome(t) === key)) return `The "${outcomeLabel(from, key)}" outcome of ${from.name} is already connected.`;
  return null;
}

/** Outcomes of a step that have no edge yet (for plain steps: [null] when free, [] when used). */
export function freeOutcomes(step: WorkflowStep, transitions: WorkflowTransition[]): (Outcome | null)[] {
  const outgoing = transitions.filter((t) => t.fromStepId === step.id);
  if (step.type === 'EXIT') return [];
  const outcomes = outcomesOf(step);
  if (!outcomes) return outgoing.length ? [] : [null];
  const used = new Set(outgoing.map(edgeOutcome));
  return outcomes.filter((o) => !used.has(o.key));
}

/** Where a new step goes: below the selected step, or below the lowest one. */
export function nextPosition(steps: WorkflowStep[], selected: WorkflowStep | null): { x: number; y: number } {
  if (selected) {
    const below = steps.filter((s) => Math.abs(s.position.x - selected.position.x) < 200 && s.position.y > selected.position.y);
    const y = below.length ? Math.max(...below.map((s) => s.position.y)) : selected.position.y;
    return { x: selected.position.x, y: y + 150 };
  }
  if (steps.length === 0) return { x: 0, y: 0 };
  const lowest = steps.reduce((a, b) => (b.position.y > a.position.y ? b : a));
  return { x: lowest.position.x, y: lowest.position.y + 150 };
}

/** A one-line summary of a step's config for its node. */
export function stepSummary(step: WorkflowStep): string {
  const c = step.config;
  switch (step.type) {
    case 'TRIGGER':
      return typeof c.eventName === 'string' && c.eventName ? `On ${c.eventName}` : 'Started manually';
    case 'SEND_EMAIL':
      return step.template ? step.template.name : step.templateId ? 'Template selected' : 'No template yet';
    case 'DELAY': {
      const unit = String(c.unit ?? '');
      return `Wait ${String(c.amount ?? '?')} ${c.amount === 1 ? unit.replace(/s$/, '') : unit}`.trim();
    }
    case 'WAIT_FOR_EVENT':
      return `Until ${String(c.eventName ?? '?')}${typeof c.timeout === 'number' ? ` (timeout ${formatSeconds(c.timeout)})` : ''}`;
    case 'CONDITION':
      return c.mode === 'multi' ? `Branch on ${String(c.field ?? '?')}` : `${String(c.field ?? '?')} ${String(c.operator ?? '')} ${c.value === undefined ? '' : JSON.stringify(c.value)}`.trim();
    case 'WEBHOOK':
      return `${String(c.method ?? 'POST')} ${String(c.url ?? '')}`;
    case 'UPDATE_CONTACT': {
      const keys = c.updates && typeof c.updates === 'object' ? Object.keys(c.updates) : [];
      const action = c.subscriptionAction && c.subscriptionAction !== 'none' ? String(c.subscriptionAction) : '';
      return [keys.length ? `Set ${keys.join(', ')}` : '', action].filter(Boolean).join(' · ') || 'No changes yet';
    }
    case 'EXIT':
      return typeof c.reason === 'string' && c.reason ? c.reason : 'End';
  }
}

export function formatSeconds(s: number): string {
  if (s % 86_400 === 0) return `${s / 86_400} d`;
  if (s % 3_600 === 0) return `${s / 3_600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
