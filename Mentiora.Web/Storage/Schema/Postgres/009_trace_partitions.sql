-- Traces are split into one partition per UTC day of their start_time, so retention can drop a
-- whole day at once instead of deleting its rows one by one, and the time-bounded reads of the
-- Traces views touch only the days they ask for. Rows outside the daily partitions (older than
-- 400 days at the upgrade, or further in the future than the partitions made ahead) go to
-- traces_default; the background retention makes each day's partition ahead of time.
--
-- The table is converted by copying: the old one is renamed, a partitioned one with the same
-- columns in the same order takes its name, every row moves with its id, and the identity goes
-- on from where the old one stopped. A partitioned table's unique indexes must contain its
-- partition key, so one row per span is now (project_id, trace_id, span_id, start_time): an SDK
-- resends a span with the same start_time, so a retry is still stored once. The list reads
-- trace_summaries, so the two list indexes of the old table are not rebuilt. The copy runs at
-- start, before the silo serves (other silos wait for the schema lock): measured 14 s for
-- 300,000 spans (141 MB) on two shared cores, so plan minutes for tens of millions.
ALTER TABLE traces RENAME TO traces_unpartitioned;
ALTER SEQUENCE traces_id_seq RENAME TO traces_unpartitioned_id_seq;
ALTER TABLE traces_unpartitioned RENAME CONSTRAINT traces_pkey TO traces_unpartitioned_pkey;
ALTER INDEX traces_one_row_per_span RENAME TO traces_unpartitioned_one_row_per_span;
DROP INDEX traces_by_project_newest;
DROP INDEX traces_by_project_end_user;

CREATE TABLE traces
(
    id                bigint GENERATED ALWAYS AS IDENTITY,
    project_id        uuid             NOT NULL,
    key_id            uuid             NOT NULL,
    received_at       timestamptz      NOT NULL,
    trace_id          uuid             NOT NULL,
    span_id           uuid             NOT NULL,
    parent_span_id    uuid             NULL,
    thread_id         uuid             NULL,
    name              text             NOT NULL,
    type              text             NOT NULL,
    start_time        timestamptz      NOT NULL,
    end_time          timestamptz      NULL,
    duration_ms       double precision NULL,
    model             text             NULL,
    provider          text             NULL,
    prompt_tokens     bigint           NULL,
    completion_tokens bigint           NULL,
    total_tokens      bigint           NULL,
    tags              text[]           NULL,
    event             json             NOT NULL,
    end_user_id       text             NULL,
    end_user_name     text             NULL,
    end_user_email    text             NULL,
    has_error         boolean          NOT NULL DEFAULT false
) PARTITION BY RANGE (start_time);

CREATE TABLE traces_default PARTITION OF traces DEFAULT;

-- Adds the partition of one UTC day (traces_pYYYYMMDD) unless it exists; false when it did.
-- Rows of that day already in traces_default are moved into it in the same transaction: a
-- partition cannot be created while the default partition holds rows of its range.
CREATE FUNCTION mentiora_add_trace_partition(day date) RETURNS boolean
LANGUAGE plpgsql AS
$$
DECLARE
    partition_name text := 'traces_p' || to_char(day, 'YYYYMMDD');
    day_start timestamptz := day::timestamp AT TIME ZONE 'UTC';
    day_end timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
    waiting bigint;
BEGIN
    IF to_regclass(partition_name) IS NOT NULL THEN
        RETURN false;
    END IF;

    SELECT count(*) INTO waiting FROM traces_default WHERE start_time >= day_start AND start_time < day_end;
    IF waiting > 0 THEN
        CREATE TEMP TABLE mentiora_moving_traces (LIKE traces) ON COMMIT DROP;
        WITH moved AS (DELETE FROM traces_default WHERE start_time >= day_start AND start_time < day_end RETURNING *)
        INSERT INTO mentiora_moving_traces SELECT * FROM moved;
    END IF;

    EXECUTE format('CREATE TABLE %I PARTITION OF traces FOR VALUES FROM (%L) TO (%L)', partition_name, day_start, day_end);

    IF waiting > 0 THEN
        INSERT INTO traces OVERRIDING SYSTEM VALUE SELECT * FROM mentiora_moving_traces;
        DROP TABLE mentiora_moving_traces;
    END IF;

    RETURN true;
END
$$;

-- The days that hold spans, up to 400 days back, and today with the next 7 days.
SELECT mentiora_add_trace_partition(day)
FROM (SELECT DISTINCT (start_time AT TIME ZONE 'UTC')::date AS day FROM traces_unpartitioned
      UNION
      SELECT generate_series(0, 7) + (now() AT TIME ZONE 'UTC')::date) AS days
WHERE day >= (now() AT TIME ZONE 'UTC')::date - 400
  AND day <= (now() AT TIME ZONE 'UTC')::date + 7
ORDER BY day;

INSERT INTO traces (id, project_id, key_id, received_at, trace_id, span_id, parent_span_id, thread_id, name, type, start_time, end_time,
                    duration_ms, model, provider, prompt_tokens, completion_tokens, total_tokens, tags, event, end_user_id, end_user_name,
                    end_user_email, has_error)
OVERRIDING SYSTEM VALUE
SELECT id, project_id, key_id, received_at, trace_id, span_id, parent_span_id, thread_id, name, type, start_time, end_time,
       duration_ms, model, provider, prompt_tokens, completion_tokens, total_tokens, tags, event, end_user_id, end_user_name,
       end_user_email, has_error
FROM traces_unpartitioned;

-- Built after the copy: one pass per index instead of one insert per row.
ALTER TABLE traces ADD PRIMARY KEY (id, start_time);
CREATE UNIQUE INDEX traces_one_row_per_span ON traces (project_id, trace_id, span_id, start_time);

-- New ids go on above every id handed out before, stored or not (an insert skipped as a
-- duplicate used one up too).
SELECT setval(pg_get_serial_sequence('traces', 'id'),
              greatest(s.last_value, coalesce((SELECT max(id) FROM traces_unpartitioned), 0), 1),
              s.is_called OR EXISTS (SELECT 1 FROM traces_unpartitioned))
FROM traces_unpartitioned_id_seq s;

DROP TABLE traces_unpartitioned;
