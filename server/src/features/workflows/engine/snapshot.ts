import type { WorkflowSnapshot, WorkflowStepRow, WorkflowTransitionRow } from '../../../db/schema/index.js';

// The frozen graph an execution runs against. Taken at enrolment, so later edits of the workflow
// (steps, transitions, templates) never change the path of a contact already in it.

export type SnapshotStep = WorkflowSnapshot['steps'][number];
export type SnapshotTemplate = NonNullable<SnapshotStep['template']>;

export function buildSnapshot(
  workflow: { id: string; name: string },
  steps: WorkflowStepRow[],
  transitions: WorkflowTransitionRow[],
  templates: Map<string, SnapshotTemplate>,
): WorkflowSnapshot {
  const live = steps.filter((s) => !s.deletedAt);
  const ids = new Set(live.map((s) => s.id));
  return {
    version: 1,
    workflow: { id: workflow.id, name: workflow.name },
    steps: live.map((s) => ({
      id: s.id,
      type: s.type,
      name: s.name,
      config: s.config ?? {},
      templateId: s.templateId,
      template: s.templateId ? (templates.get(s.templateId) ?? null) : null,
    })),
    transitions: transitions
      .filter((t) => ids.has(t.fromStepId) && ids.has(t.toStepId))
      .map((t) => ({ id: t.id, fromStepId: t.fromStepId, toStepId: t.toStepId, branch: t.branch, priority: t.priority })),
  };
}

export function findSnapshotStep(snapshot: WorkflowSnapshot, stepId: string | null): SnapshotStep | undefined {
  return stepId ? snapshot.steps.find((s) => s.id === stepId) : undefined;
}

/** Where an execution starts: the TRIGGER step (a graph without one starts nowhere and completes). */
export function entryStepId(snapshot: WorkflowSnapshot): string | null {
  return snapshot.steps.find((s) => s.type === 'TRIGGER')?.id ?? null;
}

/**
 * The step after `fromStepId` for `outcome`: edges in priority order, the first that is plain (no
 * branch) or whose branch equals the outcome. Null when none matches: the execution is done.
 */
export function nextStepId(snapshot: WorkflowSnapshot, fromStepId: string, outcome: string | null): string | null {
  const edges = snapshot.transitions
    .filter((t) => t.fromStepId === fromStepId)
    .sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
  const edge = edges.find((t) => t.branch === null || (outcome !== null && t.branch === outcome));
  return edge?.toStepId ?? null;
}
