-- Traces are rows, appended by the trace writer (binary COPY) and read newest first per project.
-- The event column keeps the whole event as sent, unknown fields included; json (not jsonb)
-- stores it verbatim.
CREATE TABLE traces
(
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    event             json             NOT NULL
);

CREATE INDEX traces_by_project_newest ON traces (project_id, id DESC);

-- The ASP.NET Core Data Protection key ring: cookies, antiforgery tokens and signing secrets
-- are protected with these keys, so every silo must read the same ring.
CREATE TABLE data_protection_keys
(
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name text        NULL,
    xml           text        NOT NULL,
    stored_at     timestamptz NOT NULL DEFAULT now()
);
