CREATE TABLE "contact_count_deltas" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"total" bigint NOT NULL,
	"subscribed" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "contact_count_deltas_project_idx" ON "contact_count_deltas" USING btree ("project_id");--> statement-breakpoint
-- Statement-level triggers: one delta row per statement and project, whatever the batch size.
CREATE FUNCTION contact_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contact_count_deltas (project_id, total, subscribed)
  SELECT project_id, count(*), count(*) FILTER (WHERE subscribed) FROM new_rows GROUP BY project_id;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION contact_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contact_count_deltas (project_id, total, subscribed)
  SELECT project_id, -count(*), -count(*) FILTER (WHERE subscribed) FROM old_rows GROUP BY project_id;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION contact_counts_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contact_count_deltas (project_id, total, subscribed)
  SELECT project_id, 0, sum(delta) FROM (
    SELECT project_id, CASE WHEN subscribed THEN 1 ELSE 0 END AS delta FROM new_rows
    UNION ALL
    SELECT project_id, CASE WHEN subscribed THEN -1 ELSE 0 END FROM old_rows
  ) d GROUP BY project_id HAVING sum(delta) <> 0;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER contacts_count_insert AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION contact_counts_on_insert();--> statement-breakpoint
CREATE TRIGGER contacts_count_delete AFTER DELETE ON contacts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION contact_counts_on_delete();--> statement-breakpoint
CREATE TRIGGER contacts_count_update AFTER UPDATE ON contacts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION contact_counts_on_update();--> statement-breakpoint
INSERT INTO contact_count_deltas (project_id, total, subscribed)
SELECT project_id, count(*), count(*) FILTER (WHERE subscribed) FROM contacts GROUP BY project_id;
