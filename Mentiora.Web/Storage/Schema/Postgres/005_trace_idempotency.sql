-- The SDKs retry on timeouts and 5xx, so the same event (project, trace_id, span_id) may arrive
-- twice, even on two silos at once: keep one row per span. Older duplicates are removed first
-- so the unique index can be built on a database that already has some.
DELETE FROM traces newer
USING traces older
WHERE newer.project_id = older.project_id
  AND newer.trace_id = older.trace_id
  AND newer.span_id = older.span_id
  AND newer.id > older.id;

CREATE UNIQUE INDEX traces_one_row_per_span ON traces (project_id, trace_id, span_id);
