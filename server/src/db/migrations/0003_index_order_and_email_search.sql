-- Trusted extension (PostgreSQL 13+): a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
DROP INDEX "contacts_project_created_idx";--> statement-breakpoint
DROP INDEX "events_project_created_idx";--> statement-breakpoint
DROP INDEX "emails_project_created_idx";--> statement-breakpoint
DROP INDEX "inbox_messages_project_created_idx";--> statement-breakpoint
DROP INDEX "activities_project_created_idx";--> statement-breakpoint
DROP INDEX "templates_project_created_idx";--> statement-breakpoint
DROP INDEX "background_jobs_project_created_idx";--> statement-breakpoint
CREATE INDEX "contacts_email_trgm_idx" ON "contacts" USING gin ("email" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "contacts_project_created_idx" ON "contacts" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "events_project_created_idx" ON "events" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "emails_project_created_idx" ON "emails" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "inbox_messages_project_created_idx" ON "inbox_messages" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "activities_project_created_idx" ON "activities" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "templates_project_created_idx" ON "templates" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "background_jobs_project_created_idx" ON "background_jobs" USING btree ("project_id","created_at");