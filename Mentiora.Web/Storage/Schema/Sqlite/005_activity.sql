-- The project activity log: append-only, one row per change, read newest first per project.
-- entry_id is the grain's id for the entry, so a retried insert adds nothing; seq orders pages.
-- Times are Unix milliseconds, so the same queries serve both storage modes.
CREATE TABLE activity
(
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id       TEXT    NOT NULL UNIQUE,
    project_id     TEXT    NOT NULL,
    at_ms          INTEGER NOT NULL,
    actor          TEXT    NOT NULL,
    kind           INTEGER NOT NULL,
    key_id         TEXT    NULL,
    key_name       TEXT    NULL,
    key_prefix     TEXT    NULL,
    details        TEXT    NULL,
    previous_value TEXT    NULL,
    client_address TEXT    NULL
);

CREATE INDEX activity_by_project_newest ON activity (project_id, seq DESC);
CREATE INDEX activity_by_time ON activity (at_ms);
