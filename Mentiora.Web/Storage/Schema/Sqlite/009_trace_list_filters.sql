-- Indexes for the Traces list filters (see the PostgreSQL script of the same name): rare matches
-- (errors, one key, one end user) are found without walking every trace of the time window. The
-- name prefix is compared with substr (an exact, case-sensitive prefix), which no index serves.
CREATE INDEX trace_summaries_errors ON trace_summaries (project_id, start_time DESC, trace_id DESC) WHERE has_error = 1;

CREATE INDEX trace_summaries_by_key ON trace_summaries (project_id, key_id, start_time DESC, trace_id DESC);

CREATE INDEX trace_summaries_by_end_user ON trace_summaries (project_id, end_user_id, start_time DESC, trace_id DESC)
    WHERE end_user_id IS NOT NULL;
