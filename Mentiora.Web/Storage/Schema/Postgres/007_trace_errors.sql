-- Whether a span is an error (type "error", or an "error" object sent with it), so the Traces
-- views can mark failed spans and filter "Errors only" without reading every event.
ALTER TABLE traces ADD COLUMN has_error boolean NOT NULL DEFAULT false;
UPDATE traces SET has_error = true
WHERE type = 'error' OR coalesce(json_typeof(event -> 'error'), 'null') <> 'null';
