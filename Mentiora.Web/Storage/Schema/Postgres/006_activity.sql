-- The project activity log: append-only, one row per change, read newest first per project.
-- entry_id is the grain's id for the entry, so a retried insert adds nothing; seq orders pages.
-- Times are Unix milliseconds, so the same queries serve both storage modes.
CREATE TABLE activity
(
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id       text   NOT NULL UNIQUE,
    project_id     text   NOT NULL,
    at_ms          bigint NOT NULL,
    actor          text   NOT NULL,
    kind           integer NOT NULL,
    key_id         text   NULL,
    key_name       text   NULL,
    key_prefix     text   NULL,
    details        text   NULL,
    previous_value text   NULL,
    client_address text   NULL
);

CREATE INDEX activity_by_project_newest ON activity (project_id, seq DESC);
CREATE INDEX activity_by_time ON activity (at_ms);
