-- One row per trace (trace_id), kept up to date by the trace writer in the same transaction that
-- stores the spans, so the Traces list reads one row per trace instead of grouping spans.
--   start_time        the earliest start of its spans (the list's order and time filter)
--   end_time          the latest end of its spans (end_time, else start + duration, else start)
--   name, type        the root span's (no parent_span_id), or the earliest span's until the root arrives
--   key_id, end user  of the span that gave the name
CREATE TABLE trace_summaries
(
    project_id       TEXT    NOT NULL,
    trace_id         TEXT    NOT NULL,
    start_time       TEXT    NOT NULL,
    end_time         TEXT    NOT NULL,
    span_count       INTEGER NOT NULL,
    total_tokens     INTEGER NOT NULL,
    has_error        INTEGER NOT NULL,
    root_span_id     TEXT    NULL,
    name             TEXT    NOT NULL,
    type             TEXT    NOT NULL,
    key_id           TEXT    NOT NULL,
    end_user_id      TEXT    NULL,
    end_user_name    TEXT    NULL,
    thread_id        TEXT    NULL,
    last_received_at TEXT    NOT NULL,
    PRIMARY KEY (project_id, trace_id)
);

CREATE INDEX trace_summaries_newest ON trace_summaries (project_id, start_time DESC, trace_id DESC);

-- The span that names a trace: its root, else its earliest span. Times are fixed-width UTC text,
-- so min/max of the text are the earliest/latest times (an end computed from a duration is left
-- to the writer: rows stored before have their end_time or their start).
INSERT INTO trace_summaries (project_id, trace_id, start_time, end_time, span_count, total_tokens, has_error, root_span_id,
                             name, type, key_id, end_user_id, end_user_name, thread_id, last_received_at)
SELECT t.project_id,
       t.trace_id,
       min(t.start_time),
       max(coalesce(t.end_time, t.start_time)),
       count(*),
       coalesce(sum(t.total_tokens), 0),
       max(t.has_error),
       (SELECT r.span_id FROM traces r WHERE r.project_id = t.project_id AND r.trace_id = t.trace_id AND r.parent_span_id IS NULL
        ORDER BY r.start_time, r.id LIMIT 1),
       n.name,
       n.type,
       n.key_id,
       (SELECT u.end_user_id FROM traces u WHERE u.project_id = t.project_id AND u.trace_id = t.trace_id AND u.end_user_id IS NOT NULL
        ORDER BY u.parent_span_id IS NOT NULL, u.start_time, u.id LIMIT 1),
       (SELECT u.end_user_name FROM traces u WHERE u.project_id = t.project_id AND u.trace_id = t.trace_id AND u.end_user_id IS NOT NULL
        ORDER BY u.parent_span_id IS NOT NULL, u.start_time, u.id LIMIT 1),
       (SELECT h.thread_id FROM traces h WHERE h.project_id = t.project_id AND h.trace_id = t.trace_id AND h.thread_id IS NOT NULL
        ORDER BY h.parent_span_id IS NOT NULL, h.start_time, h.id LIMIT 1),
       max(t.received_at)
FROM traces t
JOIN traces n ON n.id = (SELECT f.id FROM traces f WHERE f.project_id = t.project_id AND f.trace_id = t.trace_id
                         ORDER BY f.parent_span_id IS NOT NULL, f.start_time, f.id LIMIT 1)
GROUP BY t.project_id, t.trace_id;
