ALTER TABLE "events" ALTER COLUMN "dispatch_pending" SET DEFAULT null;--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "webhook_pending" SET DEFAULT null;--> statement-breakpoint
-- The outbox flags default to NULL (the columns stay NOT NULL): the trigger computes them for rows that
-- leave a flag NULL, which is every insert path except the /v1/track batch statement. That statement
-- computes both flags (and the causing execution) for its whole batch in the same snapshot, the same way
-- as below, and so skips a PL/pgSQL call with three lookups per row on the busiest write path.
CREATE OR REPLACE FUNCTION events_mark_dispatch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.source_execution_id IS NULL THEN
    NEW.source_execution_id := nullif(current_setting('mailwright.execution_id', true), '')::uuid;
  END IF;
  IF NEW.source_execution_id IS NULL AND NEW.email_id IS NOT NULL THEN
    SELECT e.workflow_execution_id INTO NEW.source_execution_id FROM emails e WHERE e.id = NEW.email_id;
  END IF;
  NEW.dispatch_pending := NEW.contact_id IS NOT NULL AND (EXISTS (
      SELECT 1 FROM workflows w WHERE w.project_id = NEW.project_id AND w.enabled AND w.trigger_event = NEW.name
    ) OR EXISTS (
      SELECT 1 FROM workflow_step_executions s WHERE s.contact_id = NEW.contact_id AND s.status = 'WAITING' AND s.wait_event = NEW.name
    ));
  NEW.webhook_pending := EXISTS (
    SELECT 1 FROM webhook_endpoints w
    WHERE w.project_id = NEW.project_id AND w.enabled
      AND (w.event_types = '{}' OR NEW.name = ANY (w.event_types) OR EXISTS (
        SELECT 1 FROM unnest(w.event_types) t WHERE right(t, 2) = '.*' AND starts_with(NEW.name, left(t, -1))
      ))
  );
  RETURN NEW;
END $$;--> statement-breakpoint
DROP TRIGGER events_mark_dispatch ON events;--> statement-breakpoint
CREATE TRIGGER events_mark_dispatch BEFORE INSERT ON events FOR EACH ROW
  WHEN (NEW.dispatch_pending IS NULL OR NEW.webhook_pending IS NULL) EXECUTE FUNCTION events_mark_dispatch();
