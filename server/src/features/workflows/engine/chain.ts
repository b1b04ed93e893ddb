// Workflow chains: an event caused by a workflow step (an UPDATE_CONTACT's contact.* event, or any
// event about an email a SEND_EMAIL step created) remembers the execution that caused it
// (`events.source_execution_id`, migration 0010). Enrolling from such an event makes the new execution
// one level deeper than its cause. Two rules keep workflows from feeding each other forever:
//   - a workflow never enrols from an event its own executions caused (it would re-trigger itself,
//     e.g. a SEND_EMAIL workflow on `email.sent`), and
//   - no execution is deeper than MAX_WORKFLOW_CHAIN_DEPTH (A triggers B triggers A ...).
// Waits are not affected: a WAIT_FOR_EVENT may well wait for an event about the email its execution sent.

/** The deepest an execution may be: a real event or a manual start is 0, what it causes 1, and so on. */
export const MAX_WORKFLOW_CHAIN_DEPTH = 5;

/** The execution that caused an event; `workflowId` null when it no longer exists (its workflow was deleted). */
export interface EventCause {
  executionId: string;
  workflowId: string | null;
  depth: number;
}

export type ChainRefusal = 'self' | 'depth';

/** The depth an execution enrolled from an event with this cause gets. */
export function chainDepth(cause: EventCause | null): number {
  return cause ? cause.depth + 1 : 0;
}

/** Why `workflowId` must not enrol from an event with this cause, or null when it may. */
export function chainRefusal(workflowId: string, cause: EventCause | null): ChainRefusal | null {
  if (!cause) return null;
  if (cause.workflowId === workflowId) return 'self';
  if (chainDepth(cause) > MAX_WORKFLOW_CHAIN_DEPTH) return 'depth';
  return null;
}
