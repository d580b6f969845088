-- Rows a sink table refused (a value PostgreSQL cannot store or index), written in the same transaction
-- as the rows it accepted, so nothing is lost silently and a refused row never stops the job.
CREATE TABLE sink_dead_letters (
    id            BIGSERIAL   PRIMARY KEY,
    target_table  TEXT        NOT NULL,
    row_summary   TEXT        NOT NULL,
    reason        TEXT        NOT NULL,
    sql_state     TEXT,
    checkpoint_id BIGINT,
    written_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sink_dead_letters_table ON sink_dead_letters (target_table, written_at);

-- The jobs write refused rows (their sequence included); the dashboards may read them.
GRANT SELECT, INSERT ON sink_dead_letters TO ${writer_role};
GRANT USAGE ON SEQUENCE sink_dead_letters_id_seq TO ${writer_role};
GRANT SELECT ON sink_dead_letters TO ${reader_role};
