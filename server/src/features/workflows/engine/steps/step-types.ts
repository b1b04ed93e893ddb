import type { Tx } from '../../../../db/client.js';
import type { WorkflowExecutionRow } from '../../../../db/schema/index.js';
import type { EngineDeps } from '../engine-deps.js';
import type { SnapshotStep } from '../snapshot.js';

/** What a step handler gets: it runs inside the step's transaction (a savepoint: a throw undoes its writes). */
export interface StepContext {
  deps: EngineDeps;
  tx: Tx;
  execution: WorkflowExecutionRow;
  step: SnapshotStep;
  stepExecutionId: string;
  now: Date;
}

/** How a step ended; the runner records it and moves the execution on. */
export type StepResult =
  /** Done: follow the edge for `outcome` (null: the plain edge). */
  | { kind: 'completed'; output: Record<string, unknown>; outcome?: string | null }
  /** Not applicable to this contact (unsubscribed): recorded as SKIPPED, then the plain edge. */
  | { kind: 'skipped'; output: Record<string, unknown> }
  /** DELAY: the step is SCHEDULED until `resumeAt`; the execution WAITING. */
  | { kind: 'scheduled'; resumeAt: Date; output: Record<string, unknown> }
  /** WAIT_FOR_EVENT: the step is WAITING for `waitEvent` (until `resumeAt`, the timeout, if any). */
  | { kind: 'waiting'; waitEvent: string; resumeAt: Date | null }
  /** EXIT: the execution ends EXITED with `reason`. */
  | { kind: 'exit'; reason: string; output: Record<string, unknown> };

export type StepHandler = (ctx: StepContext) => Promise<StepResult>;

/** A step that cannot run (bad configuration, missing template): the step and execution end FAILED. */
export class StepFailure extends Error {}
