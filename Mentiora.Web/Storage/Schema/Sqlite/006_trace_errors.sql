-- Whether a span is an error (type "error", or an "error" object sent with it), so the Traces
-- views can mark failed spans and filter "Errors only" without reading every event.
ALTER TABLE traces ADD COLUMN has_error INTEGER NOT NULL DEFAULT 0;
UPDATE traces SET has_error = 1
WHERE type = 'error' OR coalesce(json_type(event, '$.error'), 'null') <> 'null';
