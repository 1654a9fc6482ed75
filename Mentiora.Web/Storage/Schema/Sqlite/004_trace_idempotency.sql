-- The SDKs retry on timeouts and 5xx, so the same event (project, trace_id, span_id) may arrive
-- twice: keep one row per span. Older duplicates are removed first so the unique index can be
-- built on a database that already has some.
DELETE FROM traces
WHERE id NOT IN (SELECT MIN(id) FROM traces GROUP BY project_id, trace_id, span_id);

CREATE UNIQUE INDEX traces_one_row_per_span ON traces (project_id, trace_id, span_id);
