-- The conversation page reads the spans sent with one thread id, earliest first: this index finds
-- them without reading the project's other spans, and in start order, so no sort either. Spans
-- without a thread id (most tool and retrieval spans) are left out of it.
CREATE INDEX traces_by_project_thread ON traces (project_id, thread_id, start_time) WHERE thread_id IS NOT NULL;
