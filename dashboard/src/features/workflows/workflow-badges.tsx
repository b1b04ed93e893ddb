import type { ExecutionStatus } from '../../api/workflows';
import { Badge, type BadgeTone } from '../../components/ui/badge';

const EXECUTION_TONE: Record<ExecutionStatus, BadgeTone> = {
  RUNNING: 'blue',
  WAITING: 'amber',
  COMPLETED: 'green',
  EXITED: 'purple',
  FAILED: 'red',
  CANCELLED: 'neutral',
};

export const titleCase = (s: string) => s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, ' ');

export function ExecutionStatusBadge({ status }: { status: ExecutionStatus }) {
  return (
    <span data-testid="execution-status">
      <Badge tone={EXECUTION_TONE[status] ?? 'neutral'}>{titleCase(status)}</Badge>
    </span>
  );
}

const STEP_TONE: Record<string, BadgeTone> = {
  PENDING: 'neutral',
  SCHEDULED: 'blue',
  WAITING: 'amber',
  RUNNING: 'blue',
  COMPLETED: 'green',
  SKIPPED: 'neutral',
  FAILED: 'red',
  CANCELLED: 'neutral',
};

export function StepExecutionStatusBadge({ status }: { status: string }) {
  return <Badge tone={STEP_TONE[status] ?? 'neutral'}>{titleCase(status)}</Badge>;
}

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return <Badge tone={enabled ? 'green' : 'neutral'}>{enabled ? 'Enabled' : 'Disabled'}</Badge>;
}
