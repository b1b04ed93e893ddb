import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps } from '@xyflow/react';
import { memo, useEffect } from 'react';
import type { WorkflowStep } from '../../api/workflows';
import { STEP_INFO, outcomesOf, stepSummary } from './workflow-graph';

export interface StepNodeData extends Record<string, unknown> {
  step: WorkflowStep;
  /** Active executions (running or waiting) currently at this step. */
  active: number;
}

export type StepNode = Node<StepNodeData, 'step'>;

/** The handle id of a plain step's single exit (branching steps use their outcome keys). */
export const PLAIN_HANDLE = 'out';
export const TARGET_HANDLE = 'in';

/**
 * One step on the canvas: type, name, a summary of its config, the active-run badge, a target handle
 * on top (not for the trigger) and one source handle per outcome at the bottom (none for an exit).
 */
function StepNodeView({ id, data, selected }: NodeProps<StepNode>) {
  const { step, active } = data;
  const info = STEP_INFO[step.type];
  const outcomes = outcomesOf(step);
  // Handles come and go with the config (branches, a wait's timeout): React Flow must re-measure them.
  const updateNodeInternals = useUpdateNodeInternals();
  const handleKeys = (outcomes ?? []).map((o) => o.key).join('|');
  useEffect(() => updateNodeInternals(id), [id, handleKeys, updateNodeInternals]);
  return (
    <div
      data-testid="workflow-node"
      data-step-type={step.type}
      className={`w-60 rounded-md border border-t-4 bg-white text-left shadow-sm ${info.accent} ${selected ? 'border-blue-700 ring-2 ring-blue-700/40' : 'border-slate-300'}`}
    >
      {step.type !== 'TRIGGER' && <Handle type="target" id={TARGET_HANDLE} position={Position.Top} className="h-3! w-3! border-2! border-white! bg-slate-600!" />}
      <div className="px-3 pt-2 pb-2">
        <div className="flex items-center justify-between gap-2">
          <span className="text-xs font-semibold tracking-wide uppercase">{info.label}</span>
          {active > 0 && (
            <span data-testid="workflow-node-active" className="rounded-full bg-blue-700 px-2 py-0.5 text-xs font-medium text-white">
              {active} active
            </span>
          )}
        </div>
        <p className="mt-0.5 truncate text-sm font-semibold text-slate-900">{step.name}</p>
        <p className="truncate text-xs text-slate-700">{stepSummary(step)}</p>
        {outcomes && (
          <div className="mt-2 flex justify-around gap-1 border-t border-slate-200 pt-1">
            {outcomes.map((o) => (
              <span key={o.key} className="max-w-[6rem] truncate text-xs font-medium text-slate-800">
                {o.label}
              </span>
            ))}
          </div>
        )}
      </div>
      {step.type !== 'EXIT' &&
        (outcomes ?? [null]).map((o, i, all) => (
          <Handle
            key={o?.key ?? PLAIN_HANDLE}
            type="source"
            id={o?.key ?? PLAIN_HANDLE}
            position={Position.Bottom}
            title={o ? `Drag to connect the "${o.label}" outcome` : 'Drag to connect to the next step'}
            data-outcome={o?.key ?? PLAIN_HANDLE}
            style={{ left: `${((i + 1) / (all.length + 1)) * 100}%` }}
            className="h-3.5! w-3.5! border-2! border-white! bg-blue-700!"
          />
        ))}
    </div>
  );
}

export const WorkflowNode = memo(StepNodeView);
