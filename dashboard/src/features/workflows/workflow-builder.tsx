import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { listEventNames } from '../../api/events';
import { getStepCounts, getWorkflowFields, workflowKeys, type WorkflowDetail } from '../../api/workflows';
import { Button } from '../../components/ui/button';
import { EdgePanel, StepsOverview } from './canvas-side-panels';
import { StepPalette } from './step-palette';
import { StepPanel } from './step-panel';
import { useWorkflowEditor } from './use-workflow-editor';
import { WorkflowCanvas, type Selection } from './workflow-canvas';
import { defaultConfig, defaultName, nextPosition, type AddableType } from './workflow-graph';

const EMPTY_COUNTS: Record<string, number> = {};

/** The Editor tab: palette, canvas, and the side panel of whatever is selected. */
export function WorkflowBuilder({ projectId, workflow }: { projectId: string; workflow: WorkflowDetail }) {
  const [selection, setSelection] = useState<Selection>(null);
  const [autoConnect, setAutoConnect] = useState(true);
  const editor = useWorkflowEditor(projectId, workflow.id, workflow);
  const counts = useQuery({ queryKey: workflowKeys.counts(projectId, workflow.id), queryFn: () => getStepCounts(projectId, workflow.id), refetchInterval: 5_000 });
  const eventNames = useQuery({ queryKey: ['event-names', projectId], queryFn: () => listEventNames(projectId), staleTime: 60_000 });
  const fields = useQuery({
    queryKey: workflowKeys.fields(projectId, workflow.eventName),
    queryFn: () => getWorkflowFields(projectId, workflow.eventName),
    staleTime: 60_000,
  });

  const selectedStep = selection?.kind === 'step' ? workflow.steps.find((s) => s.id === selection.id) ?? null : null;
  const selectedEdge = selection?.kind === 'edge' ? workflow.transitions.find((t) => t.id === selection.id) ?? null : null;
  const { saveStep } = editor;
  const resetSave = saveStep.reset;
  const selectedId = selection?.id;

  // A save's error or result belongs to the panel it came from: forget it when another item is selected.
  useEffect(() => resetSave(), [selectedId, resetSave]);

  const onSelect = useCallback((s: Selection) => setSelection((prev) => (prev?.kind === s?.kind && prev?.id === s?.id ? prev : s)), []);
  const { move, setNotice } = editor;
  const onRefused = useCallback((message: string) => setNotice({ message: `Cannot connect: ${message}` }), [setNotice]);
  const onMove = useCallback((stepId: string, position: { x: number; y: number }) => move.mutate({ stepId, position }), [move]);

  const add = (type: AddableType) =>
    editor.addStep.mutate(
      { type, name: defaultName(type, workflow.steps), position: nextPosition(workflow.steps, selectedStep), config: defaultConfig(type), autoConnect },
      { onSuccess: (step) => setSelection({ kind: 'step', id: step.id }) },
    );

  const notice = editor.notice;
  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0">
        <StepPalette onAdd={add} busy={editor.addStep.isPending} autoConnect={autoConnect} onAutoConnectChange={setAutoConnect} />
        <div role="alert">
          {notice && (
            <div
              data-testid="graph-notice"
              className="mb-3 flex items-start justify-between gap-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900"
            >
              <p>{notice.message}</p>
              <Button size="sm" variant="ghost" onClick={() => editor.setNotice(null)} aria-label="Dismiss message">
                ×
              </Button>
            </div>
          )}
        </div>
        <WorkflowCanvas
          steps={workflow.steps}
          transitions={workflow.transitions}
          counts={counts.data?.counts ?? EMPTY_COUNTS}
          selection={selection}
          onSelect={onSelect}
          onConnect={editor.tryConnect}
          onRefused={onRefused}
          onMove={onMove}
        />
        <p className="mt-2 text-xs text-slate-700">
          Drag steps to arrange them; with a step focused, Enter selects it and the arrow keys move it. Badges show runs currently at a step.
        </p>
      </div>
      <div className="min-w-0">
        {selectedStep ? (
          <StepPanel
            key={`${selectedStep.id}:${saveStep.data?.id === selectedStep.id ? saveStep.data.updatedAt : ''}`}
            projectId={projectId}
            workflow={workflow}
            step={selectedStep}
            editor={editor}
            eventNames={eventNames.data?.eventNames ?? []}
            fields={[...(fields.data?.contactFields ?? []), ...(fields.data?.eventFields ?? [])]}
            onClose={() => setSelection(null)}
          />
        ) : selectedEdge ? (
          <EdgePanel
            edge={selectedEdge}
            steps={workflow.steps}
            busy={editor.disconnect.isPending}
            onDelete={() => editor.disconnect.mutate(selectedEdge.id, { onSuccess: () => setSelection(null) })}
            onClose={() => setSelection(null)}
          />
        ) : (
          <StepsOverview steps={workflow.steps} transitions={workflow.transitions} onSelect={(id) => setSelection({ kind: 'step', id })} />
        )}
      </div>
    </div>
  );
}
