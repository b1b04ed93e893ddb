import type { z } from 'zod';
import type { WorkflowStepType } from '../../../../db/schema/index.js';
import { STEP_CONFIG_SCHEMAS, type StepConfigOf } from '../../step-config.js';
import { StepFailure } from './step-types.js';

/** Re-validates a snapshot step's config (it may predate a rule); a bad one fails the step with the reason. */
export function parseStepConfig<T extends WorkflowStepType>(type: T, config: Record<string, unknown>): StepConfigOf<T> {
  const result = (STEP_CONFIG_SCHEMAS[type] as z.ZodType).safeParse(config ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
    throw new StepFailure(`Invalid ${type} step configuration: ${issues}`);
  }
  return result.data as StepConfigOf<T>;
}
