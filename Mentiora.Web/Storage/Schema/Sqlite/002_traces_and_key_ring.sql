-- Traces are rows, appended by the trace writer and read newest first per project.
-- Times are ISO 8601 UTC text of fixed width, so text order is time order.
CREATE TABLE traces
(
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id        TEXT    NOT NULL,
    key_id            TEXT    NOT NULL,
    received_at       TEXT    NOT NULL,
    trace_id          TEXT    NOT NULL,
    span_id           TEXT    NOT NULL,
    parent_span_id    TEXT    NULL,
    thread_id         TEXT    NULL,
    name              TEXT    NOT NULL,
    type              TEXT    NOT NULL,
    start_time        TEXT    NOT NULL,
    end_time          TEXT    NULL,
    duration_ms       REAL    NULL,
    model             TEXT    NULL,
    provider          TEXT    NULL,
    prompt_tokens     INTEGER NULL,
    completion_tokens INTEGER NULL,
    total_tokens      INTEGER NULL,
    tags              TEXT    NULL,
    event             TEXT    NOT NULL
);

CREATE INDEX traces_by_project_newest ON traces (project_id, id DESC);

-- The ASP.NET Core Data Protection key ring: cookies, antiforgery tokens and signing secrets
-- are protected with these keys, so they live with the data rather than on one machine's disk.
CREATE TABLE data_protection_keys
(
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    friendly_name TEXT    NULL,
    xml           TEXT    NOT NULL,
    stored_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
