import type { WorkflowStepType } from '../../../../db/schema/index.js';
import { runSendEmail, runUpdateContact } from './contact-steps.js';
import { runCondition, runDelay, runExit, runTrigger, runWaitForEvent } from './flow-steps.js';
import type { StepHandler } from './step-types.js';

/** Handlers of the steps that run inside one transaction (WEBHOOK has its own path: HTTP outside it). */
export const STEP_HANDLERS: Record<Exclude<WorkflowStepType, 'WEBHOOK'>, StepHandler> = {
  TRIGGER: runTrigger,
  SEND_EMAIL: runSendEmail,
  DELAY: runDelay,
  WAIT_FOR_EVENT: runWaitForEvent,
  CONDITION: runCondition,
  UPDATE_CONTACT: runUpdateContact,
  EXIT: runExit,
};
