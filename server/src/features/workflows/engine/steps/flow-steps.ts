import { getContact } from '../../../contacts/contact-list.service.js';
import { delayMs } from '../../step-config.js';
import { evaluateCondition } from '../condition.js';
import { conditionScope } from '../step-data.js';
import { parseStepConfig } from './step-config-parse.js';
import type { StepHandler } from './step-types.js';

// Steps that only move the execution along: no mail, no HTTP, no contact writes.

export const runTrigger: StepHandler = async ({ execution, step, now }) => {
  const config = parseStepConfig('TRIGGER', step.config);
  return {
    kind: 'completed',
    output: { triggered: true, eventName: execution.sourceEventId ? (config.eventName ?? null) : 'manual', timestamp: now.toISOString() },
  };
};

export const runDelay: StepHandler = async ({ step, now }) => {
  const config = parseStepConfig('DELAY', step.config);
  const resumeAt = new Date(now.getTime() + delayMs(config));
  return { kind: 'scheduled', resumeAt, output: { amount: config.amount, unit: config.unit, resumeAt: resumeAt.toISOString() } };
};

export const runWaitForEvent: StepHandler = async ({ step, now }) => {
  const config = parseStepConfig('WAIT_FOR_EVENT', step.config);
  return { kind: 'waiting', waitEvent: config.eventName, resumeAt: config.timeout ? new Date(now.getTime() + config.timeout * 1000) : null };
};

export const runCondition: StepHandler = async ({ tx, execution, step }) => {
  const config = parseStepConfig('CONDITION', step.config);
  const contact = await getContact(tx, execution.projectId, execution.contactId);
  const { branch, actual } = evaluateCondition(config, conditionScope(contact, execution.context));
  return { kind: 'completed', outcome: branch, output: { field: config.field, value: actual ?? null, branch } };
};

export const runExit: StepHandler = async ({ step }) => {
  const config = parseStepConfig('EXIT', step.config);
  const reason = config.reason || 'exit_step';
  return { kind: 'exit', reason, output: { exited: true, reason } };
};
