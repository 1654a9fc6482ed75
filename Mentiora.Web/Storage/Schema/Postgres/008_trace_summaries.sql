-- One row per trace (trace_id), kept up to date by the trace writer in the same statement that
-- stores the spans, so the Traces list reads one row per trace instead of grouping spans.
--   start_time        the earliest start of its spans (the list's order and time filter)
--   end_time          the latest end of its spans (end_time, else start + duration, else start)
--   name, type        the root span's (no parent_span_id), or the earliest span's until the root arrives
--   key_id, end user  of the span that gave the name
CREATE TABLE trace_summaries
(
    project_id       uuid        NOT NULL,
    trace_id         uuid        NOT NULL,
    start_time       timestamptz NOT NULL,
    end_time         timestamptz NOT NULL,
    span_count       integer     NOT NULL,
    total_tokens     bigint      NOT NULL,
    has_error        boolean     NOT NULL,
    root_span_id     uuid        NULL,
    name             text        NOT NULL,
    type             text        NOT NULL,
    key_id           uuid        NOT NULL,
    end_user_id      text        NULL,
    end_user_name    text        NULL,
    thread_id        uuid        NULL,
    last_received_at timestamptz NOT NULL,
    PRIMARY KEY (project_id, trace_id)
);

CREATE INDEX trace_summaries_newest ON trace_summaries (project_id, start_time DESC, trace_id DESC);

INSERT INTO trace_summaries (project_id, trace_id, start_time, end_time, span_count, total_tokens, has_error, root_span_id,
                             name, type, key_id, end_user_id, end_user_name, thread_id, last_received_at)
SELECT project_id,
       trace_id,
       min(start_time),
       max(coalesce(end_time, start_time + duration_ms * interval '1 millisecond', start_time)),
       count(*),
       coalesce(sum(total_tokens), 0),
       bool_or(has_error),
       (array_agg(span_id ORDER BY start_time, id) FILTER (WHERE parent_span_id IS NULL))[1],
       (array_agg(name ORDER BY parent_span_id IS NOT NULL, start_time, id))[1],
       (array_agg(type ORDER BY parent_span_id IS NOT NULL, start_time, id))[1],
       (array_agg(key_id ORDER BY parent_span_id IS NOT NULL, start_time, id))[1],
       (array_agg(end_user_id ORDER BY parent_span_id IS NOT NULL, start_time, id) FILTER (WHERE end_user_id IS NOT NULL))[1],
       (array_agg(end_user_name ORDER BY parent_span_id IS NOT NULL, start_time, id) FILTER (WHERE end_user_id IS NOT NULL))[1],
       (array_agg(thread_id ORDER BY parent_span_id IS NOT NULL, start_time, id) FILTER (WHERE thread_id IS NOT NULL))[1],
       max(received_at)
FROM traces
GROUP BY project_id, trace_id;
