import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  applyNodeChanges,
  type Connection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type OnConnectEnd,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { WorkflowStep, WorkflowTransition } from '../../api/workflows';
import './workflow-canvas.css';
import { connectionProblem, edgeOutcome, outcomeLabel } from './workflow-graph';
import { PLAIN_HANDLE, TARGET_HANDLE, WorkflowNode, type StepNode } from './workflow-node';

export type Selection = { kind: 'step'; id: string } | { kind: 'edge'; id: string } | null;

export interface WorkflowCanvasProps {
  steps: WorkflowStep[];
  transitions: WorkflowTransition[];
  counts: Record<string, number>;
  selection: Selection;
  onSelect: (selection: Selection) => void;
  /** A connection the client-side rules accept (the API may still refuse it). */
  onConnect: (fromId: string, outcome: string | null, toId: string) => void;
  /** A connection refused before asking the API, with the reason. */
  onRefused: (message: string) => void;
  /** A step was moved (mouse drag ended, or arrow keys; debounced). */
  onMove: (stepId: string, position: { x: number; y: number }) => void;
}

const nodeTypes = { step: WorkflowNode };
const MOVE_SAVE_DELAY_MS = 400;
const FIT_VIEW = { padding: 0.2, maxZoom: 1 };

function toNode(step: WorkflowStep, active: number, selected: boolean, previous: StepNode | undefined, moving: boolean): StepNode {
  return {
    ...previous,
    id: step.id,
    type: 'step',
    // A node being dragged, or whose new position is not saved yet, keeps where the user put it.
    position: previous && (previous.dragging || moving) ? previous.position : step.position,
    data: { step, active },
    selected,
    ariaLabel: `${step.name} (${step.type.replace(/_/g, ' ').toLowerCase()} step)${active ? `, ${active} active` : ''}`,
    deletable: false,
  };
}

/** The graph editor: steps as nodes, transitions as labelled edges; connect by dragging a handle. */
export function WorkflowCanvas({ steps, transitions, counts, selection, onSelect, onConnect, onRefused, onMove }: WorkflowCanvasProps) {
  const [nodes, setNodes] = useState<StepNode[]>([]);
  const [flow, setFlow] = useState<ReactFlowInstance<StepNode, Edge> | null>(null);
  const timers = useRef(new Map<string, number>());
  const selectedStep = selection?.kind === 'step' ? selection.id : null;
  const selectedEdge = selection?.kind === 'edge' ? selection.id : null;

  useEffect(() => {
    setNodes((prev) => {
      const byId = new Map(prev.map((n) => [n.id, n]));
      return steps.map((s) => toNode(s, counts[s.id] ?? 0, s.id === selectedStep, byId.get(s.id), timers.current.has(s.id)));
    });
  }, [steps, counts, selectedStep]);

  // Added or removed steps: fit the whole graph in view again (once the new node is measured).
  useEffect(() => {
    if (!flow) return;
    const t = window.setTimeout(() => void flow.fitView(FIT_VIEW), 50);
    return () => window.clearTimeout(t);
  }, [flow, steps.length]);

  // The canvas got narrower or wider (window resized, phone rotated): fit again.
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!flow || !el) return;
    let width = el.clientWidth;
    let t: number | undefined;
    const observer = new ResizeObserver(() => {
      if (Math.abs(el.clientWidth - width) < 8) return;
      width = el.clientWidth;
      window.clearTimeout(t);
      t = window.setTimeout(() => void flow.fitView(FIT_VIEW), 100);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      window.clearTimeout(t);
    };
  }, [flow]);

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((t) => window.clearTimeout(t));
  }, []);

  const edges = useMemo<Edge[]>(() => {
    const byId = new Map(steps.map((s) => [s.id, s]));
    return transitions.map((t) => {
      const from = byId.get(t.fromStepId);
      const key = edgeOutcome(t);
      const label = outcomeLabel(from, key);
      return {
        id: t.id,
        source: t.fromStepId,
        target: t.toStepId,
        sourceHandle: key ?? PLAIN_HANDLE,
        targetHandle: TARGET_HANDLE,
        label: label ?? undefined,
        selected: t.id === selectedEdge,
        deletable: false,
        markerEnd: { type: MarkerType.ArrowClosed, color: '#475569' },
        ariaLabel: `Connection from ${from?.name ?? '?'}${label ? ` (${label})` : ''} to ${byId.get(t.toStepId)?.name ?? '?'}`,
        labelBgPadding: [6, 3] as [number, number],
        labelBgBorderRadius: 4,
        className: 'workflow-edge',
      };
    });
  }, [steps, transitions, selectedEdge]);

  const scheduleSave = useCallback(
    (id: string, position: { x: number; y: number }) => {
      window.clearTimeout(timers.current.get(id));
      timers.current.set(
        id,
        window.setTimeout(() => {
          timers.current.delete(id);
          onMove(id, { x: Math.round(position.x), y: Math.round(position.y) });
        }, MOVE_SAVE_DELAY_MS),
      );
    },
    [onMove],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNode>[]) => {
      setNodes((prev) => applyNodeChanges(changes, prev));
      for (const c of changes) {
        // dragging:false is the end of a mouse drag or an arrow-key move of a selected node.
        if (c.type === 'position' && c.position && c.dragging === false) scheduleSave(c.id, c.position);
        if (c.type === 'select' && c.selected) onSelect({ kind: 'step', id: c.id });
      }
    },
    [onSelect, scheduleSave],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      for (const c of changes) if (c.type === 'select' && c.selected) onSelect({ kind: 'edge', id: c.id });
    },
    [onSelect],
  );

  const handleOf = (h: string | null | undefined) => (!h || h === PLAIN_HANDLE ? null : h);

  const isValidConnection = useCallback<IsValidConnection>(
    (c) => connectionProblem(steps, transitions, c.source, handleOf(c.sourceHandle), c.target) === null,
    [steps, transitions],
  );

  const handleConnect = useCallback((c: Connection) => onConnect(c.source, handleOf(c.sourceHandle), c.target), [onConnect]);

  const onConnectEnd = useCallback<OnConnectEnd>(
    (_event, state) => {
      if (state.isValid !== false || !state.fromNode || !state.toNode) return;
      // Started from a target handle: the pointer's node is the source.
      const fromTarget = state.fromHandle?.type === 'target';
      const from = fromTarget ? state.toNode.id : state.fromNode.id;
      const to = fromTarget ? state.fromNode.id : state.toNode.id;
      const outcome = fromTarget ? handleOf(state.toHandle?.id) : handleOf(state.fromHandle?.id);
      const problem = connectionProblem(steps, transitions, from, outcome, to);
      if (problem) onRefused(problem);
    },
    [steps, transitions, onRefused],
  );

  return (
    <div ref={box} className="h-[26rem] w-full overflow-hidden rounded-lg border border-slate-300 bg-slate-50 sm:h-[36rem]">
      <ReactFlow<StepNode, Edge>
        aria-label="Workflow canvas"
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={handleConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onPaneClick={() => onSelect(null)}
        deleteKeyCode={null}
        multiSelectionKeyCode={null}
        selectionKeyCode={null}
        onInit={setFlow}
        fitView
        fitViewOptions={FIT_VIEW}
        minZoom={0.25}
        maxZoom={1.5}
      >
        <Background gap={20} color="#cbd5e1" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
