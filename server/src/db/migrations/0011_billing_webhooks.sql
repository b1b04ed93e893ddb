CREATE TABLE "billing_limits" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"transactional" integer,
	"campaign" integer,
	"workflow" integer,
	"inbound" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing_notices" (
	"project_id" uuid NOT NULL,
	"category" text NOT NULL,
	"period" date NOT NULL,
	"level" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_notices_project_id_category_period_level_pk" PRIMARY KEY("project_id","category","period","level")
);
--> statement-breakpoint
CREATE TABLE "usage_counters" (
	"project_id" uuid NOT NULL,
	"category" text NOT NULL,
	"period" date NOT NULL,
	"units" integer DEFAULT 0 NOT NULL,
	"reconciled_at" timestamp with time zone,
	CONSTRAINT "usage_counters_project_id_category_period_pk" PRIMARY KEY("project_id","category","period")
);
--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"delivery_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"response_status" integer,
	"response_body" text,
	"error" text,
	"replay" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"event_id" uuid,
	"event_type" text NOT NULL,
	"message_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"response_status" integer,
	"response_body" text,
	"error" text,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"event_types" text[] DEFAULT '{}'::text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"previous_secret_ciphertext" text,
	"previous_secret_expires_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"disabled_at" timestamp with time zone,
	"disabled_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "webhook_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "billable_units" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "billing_limits" ADD CONSTRAINT "billing_limits_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_notices" ADD CONSTRAINT "billing_notices_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_counters" ADD CONSTRAINT "usage_counters_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_notices_project_idx" ON "billing_notices" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_endpoint_event_unique" ON "webhook_deliveries" USING btree ("endpoint_id","event_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_created_idx" ON "webhook_deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_project_idx" ON "webhook_endpoints" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "events_webhook_pending_idx" ON "events" USING btree ("created_at") WHERE "events"."webhook_pending";--> statement-breakpoint
-- The events outbox also feeds outbound webhooks: an event is flagged `webhook_pending` in its inserting
-- transaction when an enabled endpoint of the project subscribes to it (exact name, `prefix.*`, or all).
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
  NEW.webhook_pending := EXISTS (
    SELECT 1 FROM webhook_endpoints w
    WHERE w.project_id = NEW.project_id AND w.enabled
      AND (w.event_types = '{}' OR NEW.name = ANY (w.event_types) OR EXISTS (
        SELECT 1 FROM unnest(w.event_types) t WHERE right(t, 2) = '.*' AND starts_with(NEW.name, left(t, -1))
      ))
  );
  RETURN NEW;
END $$;
