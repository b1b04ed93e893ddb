import { useState, type FormEvent } from 'react';
import type { StepConfig, WorkflowDetail, WorkflowStep } from '../../api/workflows';
import { Button } from '../../components/ui/button';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextField } from '../../components/ui/input';
import { DeleteStepDialog } from './delete-step-dialog';
import { StepConnections } from './step-connections';
import { ConditionForm } from './step-forms/condition-form';
import type { StepFormProps } from './step-forms/form-types';
import { SendEmailForm } from './step-forms/send-email-form';
import { DelayForm, ExitForm, WaitForEventForm } from './step-forms/timing-forms';
import { TriggerForm } from './step-forms/trigger-form';
import { UpdateContactForm } from './step-forms/update-contact-form';
import { WebhookForm } from './step-forms/webhook-form';
import type { WorkflowEditorApi } from './use-workflow-editor';
import { STEP_INFO } from './workflow-graph';

export interface StepPanelProps {
  projectId: string;
  workflow: WorkflowDetail;
  step: WorkflowStep;
  editor: WorkflowEditorApi;
  eventNames: string[];
  fields: string[];
  onClose: () => void;
}

/** The selected step's settings: name, the form of its type, its connections, and delete. */
export function StepPanel({ projectId, workflow, step, editor, eventNames, fields, onClose }: StepPanelProps) {
  const [name, setName] = useState(step.name);
  const [config, setConfig] = useState<StepConfig>(step.config);
  const [templateId, setTemplateId] = useState<string | null>(step.templateId);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [deleting, setDeleting] = useState(false);
  const info = STEP_INFO[step.type];
  const problemList = Object.values(problems);
  const dirty = name !== step.name || JSON.stringify(config) !== JSON.stringify(step.config) || templateId !== step.templateId;

  const onProblem = (key: string, message: string | null) =>
    setProblems((p) => {
      if ((p[key] ?? null) === message) return p;
      const next = { ...p };
      if (message) next[key] = message;
      else delete next[key];
      return next;
    });
  const formProps: StepFormProps = { config, onChange: setConfig, onProblem };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problemList.length || !name.trim()) return;
    editor.saveStep.mutate({
      stepId: step.id,
      body: { name: name.trim(), config, ...(step.type === 'SEND_EMAIL' ? { templateId } : {}) },
    });
  };

  return (
    <section aria-labelledby="step-panel-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <p className={`text-xs font-semibold tracking-wide uppercase ${info.accent.split(' ')[1]}`}>{info.label}</p>
          <h2 id="step-panel-heading" className="text-base font-semibold break-words text-slate-900">
            {step.name}
          </h2>
        </div>
        <Button size="sm" variant="ghost" onClick={onClose} aria-label="Close step settings">
          Close
        </Button>
      </div>
      <p className="mt-1 text-sm text-slate-700">{info.description}</p>

      {step.type === 'TRIGGER' ? (
        <div className="mt-4">
          <TriggerForm key={workflow.updatedAt} projectId={projectId} workflow={workflow} eventNames={eventNames} />
        </div>
      ) : (
        <form className="mt-4 space-y-3" onSubmit={submit} aria-label={`Settings of ${step.name}`}>
          <TextField label="Step name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} required error={name.trim() ? null : 'A step needs a name.'} />
          {step.type === 'SEND_EMAIL' && <SendEmailForm {...formProps} projectId={projectId} templateId={templateId} onTemplateChange={setTemplateId} />}
          {step.type === 'DELAY' && <DelayForm {...formProps} />}
          {step.type === 'WAIT_FOR_EVENT' && <WaitForEventForm {...formProps} eventNames={eventNames} />}
          {step.type === 'CONDITION' && <ConditionForm {...formProps} fields={fields} />}
          {step.type === 'WEBHOOK' && <WebhookForm {...formProps} />}
          {step.type === 'UPDATE_CONTACT' && <UpdateContactForm {...formProps} />}
          {step.type === 'EXIT' && <ExitForm {...formProps} />}
          {problemList.length > 0 && (
            <ul className="list-disc pl-5 text-xs font-medium text-red-700">
              {problemList.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          {editor.saveStep.isError && <ErrorAlert error={editor.saveStep.error} title="Could not save the step" />}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="primary" loading={editor.saveStep.isPending} disabled={!dirty || problemList.length > 0 || !name.trim()}>
              Save step
            </Button>
            <Button variant="danger" onClick={() => setDeleting(true)}>
              Delete step
            </Button>
          </div>
        </form>
      )}

      <div className="mt-4">
        <StepConnections
          step={step}
          steps={workflow.steps}
          transitions={workflow.transitions}
          onConnect={editor.tryConnect}
          onDisconnect={(id) => editor.disconnect.mutate(id)}
          busy={editor.connect.isPending || editor.disconnect.isPending}
        />
      </div>

      <DeleteStepDialog
        step={deleting ? step : null}
        transitions={workflow.transitions}
        busy={editor.removeStep.isPending}
        error={editor.removeStep.error}
        onClose={() => {
          editor.removeStep.reset();
          setDeleting(false);
        }}
        onConfirm={(splice) =>
          editor.removeStep.mutate(
            { step, splice },
            {
              onSuccess: () => {
                setDeleting(false);
                onClose();
              },
            },
          )
        }
      />
    </section>
  );
}
