-- Indexes for the Traces list filters on a big project. The list reads newest first through
-- trace_summaries_newest and filters as it goes: fast while matches are common, but a rare match
-- (the few traces with errors, one key of many, one end user, one name) would walk every trace of
-- the time window. Each index below narrows to the filtered traces first and keeps them newest
-- first, so a page still stops after its rows. type has a handful of values, so it needs none.
-- Each index is one more entry to keep per summary written; the writer updates a summary per
-- trace and batch, not per span.
CREATE INDEX trace_summaries_errors ON trace_summaries (project_id, start_time DESC, trace_id DESC) WHERE has_error;

CREATE INDEX trace_summaries_by_key ON trace_summaries (project_id, key_id, start_time DESC, trace_id DESC);

CREATE INDEX trace_summaries_by_end_user ON trace_summaries (project_id, end_user_id, start_time DESC, trace_id DESC)
    WHERE end_user_id IS NOT NULL;

-- text_pattern_ops lets LIKE 'prefix%' range-scan the names whatever the database's collation.
CREATE INDEX trace_summaries_by_name ON trace_summaries (project_id, name text_pattern_ops, start_time DESC);
