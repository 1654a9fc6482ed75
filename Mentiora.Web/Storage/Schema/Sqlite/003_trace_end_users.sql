-- The end user a browser trace was sent for (from a verified identity token), so the Traces
-- page can show and filter by it.
ALTER TABLE traces ADD COLUMN end_user_id TEXT NULL;
ALTER TABLE traces ADD COLUMN end_user_name TEXT NULL;
ALTER TABLE traces ADD COLUMN end_user_email TEXT NULL;
CREATE INDEX traces_by_project_end_user ON traces (project_id, end_user_id, id DESC);
