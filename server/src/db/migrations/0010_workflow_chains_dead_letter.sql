ALTER TABLE "events" ADD COLUMN "dispatch_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "dispatch_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "dispatch_error" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "dispatch_failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "source_execution_id" uuid;--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "workflow_execution_id" uuid;--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD COLUMN "depth" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Causation: an event inserted while a workflow step runs (the engine sets the transaction-local
-- `mailwright.execution_id`), or about an email a workflow step created, remembers that execution. The
-- dispatcher uses it to stop workflows from triggering themselves and to cap chains of workflows.
CREATE OR REPLACE FUNCTION events_mark_dispatch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.source_execution_id IS NULL THEN
    NEW.source_execution_id := nullif(current_setting('mailwright.execution_id', true), '')::uuid;
  END IF;
  IF NEW.source_execution_id IS NULL AND NEW.email_id IS NOT NULL THEN
    SELECT e.workflow_execution_id INTO NEW.source_execution_id FROM emails e WHERE e.id = NEW.email_id;
  END IF;
  IF NEW.contact_id IS NOT NULL THEN
    NEW.dispatch_pending := EXISTS (
      SELECT 1 FROM workflows w WHERE w.project_id = NEW.project_id AND w.enabled AND w.trigger_event = NEW.name
    ) OR EXISTS (
      SELECT 1 FROM workflow_step_executions s WHERE s.contact_id = NEW.contact_id AND s.status = 'WAITING' AND s.wait_event = NEW.name
    );
  END IF;
  RETURN NEW;
END $$;
