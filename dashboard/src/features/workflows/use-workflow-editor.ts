import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { errorMessage } from '../../api/client';
import {
  createStep,
  createTransition,
  deleteStep,
  deleteTransition,
  updateStep,
  workflowKeys,
  type StepInput,
  type WorkflowDetail,
  type WorkflowStep,
} from '../../api/workflows';
import { useToast } from '../../components/ui/toast';
import { connectionProblem, transitionBody } from './workflow-graph';

/** A problem with the graph shown above the canvas (a refused connection, a failed move). */
export interface GraphNotice {
  message: string;
}

/** The canvas's mutations: each one updates the cached workflow so the graph redraws at once. */
export function useWorkflowEditor(projectId: string, workflowId: string, workflow: WorkflowDetail | undefined) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const key = workflowKeys.one(projectId, workflowId);
  const [notice, setNotice] = useState<GraphNotice | null>(null);

  const patchCache = useCallback((fn: (w: WorkflowDetail) => WorkflowDetail) => queryClient.setQueryData<WorkflowDetail>(key, (w) => (w ? fn(w) : w)), [queryClient, key]);
  const refetch = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: workflowKeys.list(projectId) });
  }, [queryClient, key, projectId]);

  const addStep = useMutation({
    mutationFn: (body: StepInput) => createStep(projectId, workflowId, body),
    onSuccess: (step) => {
      patchCache((w) => ({ ...w, steps: [...w.steps, step] }));
      // Auto-connect may have created an edge: fetch the transitions.
      refetch();
      setNotice(null);
      toast.show(`${step.name} added.`);
    },
    onError: (err) => setNotice({ message: `Could not add the step: ${errorMessage(err)}` }),
  });

  const saveStep = useMutation({
    mutationFn: (v: { stepId: string; body: Parameters<typeof updateStep>[3] }) => updateStep(projectId, workflowId, v.stepId, v.body),
    onSuccess: (step) => {
      patchCache((w) => ({ ...w, steps: w.steps.map((s) => (s.id === step.id ? step : s)) }));
      refetch();
      toast.show(`${step.name} saved.`);
    },
  });

  const move = useMutation({
    mutationFn: (v: { stepId: string; position: { x: number; y: number } }) => updateStep(projectId, workflowId, v.stepId, { position: v.position }),
    onMutate: (v) => patchCache((w) => ({ ...w, steps: w.steps.map((s) => (s.id === v.stepId ? { ...s, position: v.position } : s)) })),
    onError: (err) => {
      setNotice({ message: `Could not save the new position: ${errorMessage(err)}` });
      refetch();
    },
  });

  const removeStep = useMutation({
    mutationFn: (v: { step: WorkflowStep; splice: boolean }) => deleteStep(projectId, workflowId, v.step.id, v.splice),
    onSuccess: (_r, v) => {
      patchCache((w) => ({ ...w, steps: w.steps.filter((s) => s.id !== v.step.id), transitions: w.transitions.filter((t) => t.fromStepId !== v.step.id && t.toStepId !== v.step.id) }));
      refetch();
      toast.show(`${v.step.name} deleted.`);
    },
  });

  const connect = useMutation({
    mutationFn: (v: { from: WorkflowStep; outcome: string | null; toId: string }) => createTransition(projectId, workflowId, transitionBody(v.from, v.outcome, v.toId)),
    onSuccess: (t) => {
      patchCache((w) => ({ ...w, transitions: [...w.transitions, t] }));
      refetch();
      setNotice(null);
      toast.show('Steps connected.');
    },
    onError: (err) => setNotice({ message: `Could not connect the steps: ${errorMessage(err)}` }),
  });

  const disconnect = useMutation({
    mutationFn: (transitionId: string) => deleteTransition(projectId, workflowId, transitionId),
    onSuccess: (_r, id) => {
      patchCache((w) => ({ ...w, transitions: w.transitions.filter((t) => t.id !== id) }));
      refetch();
      toast.show('Connection deleted.');
    },
    onError: (err) => setNotice({ message: `Could not delete the connection: ${errorMessage(err)}` }),
  });

  /** Checks the obvious rules locally, then asks the API (whose refusal is shown as the notice). */
  const tryConnect = useCallback(
    (fromId: string, outcome: string | null, toId: string) => {
      if (!workflow) return;
      const problem = connectionProblem(workflow.steps, workflow.transitions, fromId, outcome, toId);
      if (problem) return setNotice({ message: `Cannot connect: ${problem}` });
      const from = workflow.steps.find((s) => s.id === fromId)!;
      connect.mutate({ from, outcome, toId });
    },
    [workflow, connect],
  );

  return { notice, setNotice, addStep, saveStep, move, removeStep, connect, tryConnect, disconnect };
}

export type WorkflowEditorApi = ReturnType<typeof useWorkflowEditor>;
