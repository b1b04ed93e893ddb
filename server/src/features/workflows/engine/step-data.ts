import type { ContactRow, WorkflowExecutionRow } from '../../../db/schema/index.js';
import { renderDataFor } from '../../contacts/contacts.service.js';

// The data steps see. Templates (SEND_EMAIL, WEBHOOK strings) get what `/v1/send` gives them — contact
// id, email, subscribed and data at the top level — plus the execution context at the top level (it
// wins over contact data, never over the identity keys) and as `event.*`.

export function templateData(contact: ContactRow, context: Record<string, unknown>): Record<string, unknown> {
  return { ...renderDataFor(contact, context ?? {}), event: context ?? {} };
}

/** WEBHOOK rendering: `data.*` as in email templates, plus the structured objects of the default payload. */
export function webhookData(contact: ContactRow, execution: WorkflowExecutionRow): Record<string, unknown> {
  const base = templateData(contact, execution.context);
  return { ...base, data: base, ...webhookPayload(contact, execution) };
}

/** The body a WEBHOOK step sends when its config has none. */
export function webhookPayload(contact: ContactRow, execution: WorkflowExecutionRow) {
  return {
    contact: { email: contact.email, subscribed: contact.subscribed, data: contact.data ?? {} },
    workflow: { id: execution.snapshot.workflow.id, name: execution.snapshot.workflow.name },
    execution: { id: execution.id, startedAt: execution.startedAt.toISOString() },
    event: execution.context ?? {},
  };
}

/**
 * The scope CONDITION fields resolve in: `contact.email`, `contact.subscribed`, `contact.data.X` (the
 * same as `data.X`), `data.X`, and the execution context as both `event.X` and `workflow.X`.
 */
export function conditionScope(contact: ContactRow, context: Record<string, unknown>): Record<string, unknown> {
  const data = contact.data ?? {};
  return { contact: { email: contact.email, subscribed: contact.subscribed, data }, data, workflow: context ?? {}, event: context ?? {} };
}
