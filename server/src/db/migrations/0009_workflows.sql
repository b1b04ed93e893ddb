CREATE TABLE "workflow_executions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"workflow_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"status" text DEFAULT 'RUNNING' NOT NULL,
	"current_step_id" uuid,
	"exit_reason" text,
	"error" text,
	"context" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"snapshot" jsonb NOT NULL,
	"source_event_id" uuid,
	"reentry_guard" uuid,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_step_executions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"execution_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"workflow_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"step_id" uuid NOT NULL,
	"step_type" text NOT NULL,
	"status" text NOT NULL,
	"resume_at" timestamp with time zone,
	"wait_event" text,
	"output" jsonb,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workflow_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workflow_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"position" jsonb NOT NULL,
	"config" jsonb NOT NULL,
	"template_id" uuid,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_transitions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workflow_id" uuid NOT NULL,
	"from_step_id" uuid NOT NULL,
	"to_step_id" uuid NOT NULL,
	"branch" text,
	"priority" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"enabled" boolean DEFAULT false NOT NULL,
	"trigger_type" text DEFAULT 'EVENT' NOT NULL,
	"trigger_event" text,
	"allow_reentry" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "dispatch_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD CONSTRAINT "workflow_executions_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD CONSTRAINT "workflow_executions_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_step_executions" ADD CONSTRAINT "workflow_step_executions_execution_id_workflow_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."workflow_executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_steps" ADD CONSTRAINT "workflow_steps_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_transitions" ADD CONSTRAINT "workflow_transitions_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_transitions" ADD CONSTRAINT "workflow_transitions_from_step_id_workflow_steps_id_fk" FOREIGN KEY ("from_step_id") REFERENCES "public"."workflow_steps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_transitions" ADD CONSTRAINT "workflow_transitions_to_step_id_workflow_steps_id_fk" FOREIGN KEY ("to_step_id") REFERENCES "public"."workflow_steps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_executions_source_event_unique" ON "workflow_executions" USING btree ("workflow_id","source_event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_executions_reentry_unique" ON "workflow_executions" USING btree ("workflow_id","reentry_guard");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_executions_active_unique" ON "workflow_executions" USING btree ("workflow_id","contact_id") WHERE "workflow_executions"."status" in ('RUNNING', 'WAITING');--> statement-breakpoint
CREATE INDEX "workflow_executions_workflow_started_idx" ON "workflow_executions" USING btree ("workflow_id","started_at");--> statement-breakpoint
CREATE INDEX "workflow_executions_contact_idx" ON "workflow_executions" USING btree ("contact_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_step_executions_step_unique" ON "workflow_step_executions" USING btree ("execution_id","step_id");--> statement-breakpoint
CREATE INDEX "workflow_step_executions_due_idx" ON "workflow_step_executions" USING btree ("resume_at") WHERE "workflow_step_executions"."status" in ('SCHEDULED', 'WAITING') and "workflow_step_executions"."resume_at" is not null;--> statement-breakpoint
CREATE INDEX "workflow_step_executions_waiting_idx" ON "workflow_step_executions" USING btree ("contact_id","wait_event") WHERE "workflow_step_executions"."status" = 'WAITING';--> statement-breakpoint
CREATE INDEX "workflow_step_executions_workflow_step_idx" ON "workflow_step_executions" USING btree ("workflow_id","step_id","status");--> statement-breakpoint
CREATE INDEX "workflow_steps_workflow_idx" ON "workflow_steps" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "workflow_steps_template_idx" ON "workflow_steps" USING btree ("template_id");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_transitions_outcome_unique" ON "workflow_transitions" USING btree ("from_step_id",coalesce("branch", ''));--> statement-breakpoint
CREATE INDEX "workflow_transitions_workflow_idx" ON "workflow_transitions" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "workflow_transitions_to_idx" ON "workflow_transitions" USING btree ("to_step_id");--> statement-breakpoint
CREATE INDEX "workflows_project_created_idx" ON "workflows" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "workflows_trigger_idx" ON "workflows" USING btree ("project_id","trigger_event") WHERE "workflows"."enabled";--> statement-breakpoint
CREATE INDEX "events_dispatch_pending_idx" ON "events" USING btree ("created_at") WHERE "events"."dispatch_pending";--> statement-breakpoint
-- Workflow outbox: an event with a contact is marked for dispatch, in the inserting transaction, when an
-- enabled workflow is triggered by its name or a WAIT_FOR_EVENT of its contact waits for it. Every insert
-- path (the batched /v1/track statement included) gets this without knowing about workflows; the
-- dispatcher clears the flag once it has enrolled or resumed.
CREATE FUNCTION events_mark_dispatch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.contact_id IS NOT NULL THEN
    NEW.dispatch_pending := EXISTS (
      SELECT 1 FROM workflows w WHERE w.project_id = NEW.project_id AND w.enabled AND w.trigger_event = NEW.name
    ) OR EXISTS (
      SELECT 1 FROM workflow_step_executions s WHERE s.contact_id = NEW.contact_id AND s.status = 'WAITING' AND s.wait_event = NEW.name
    );
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER events_mark_dispatch BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_mark_dispatch();
