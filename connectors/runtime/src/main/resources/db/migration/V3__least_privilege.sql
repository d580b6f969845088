-- Least privilege: the role running these migrations owns the tables and alone changes the schema.
-- The jobs connect as ${writer_role}, which may read and write rows of the sink tables (the sinks
-- upsert; they never delete), and the dashboards as ${reader_role}, which may only read. Both roles
-- must exist (created by whoever administers the server, see docs/operations.md#least-privilege).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${writer_role}') THEN
        RAISE EXCEPTION 'role ${writer_role} does not exist: create the jobs'' writer role first (docs/operations.md#least-privilege)';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${reader_role}') THEN
        RAISE EXCEPTION 'role ${reader_role} does not exist: create the dashboards'' read-only role first (docs/operations.md#least-privilege)';
    END IF;
END
$$;

-- Before PostgreSQL 15 every role could create tables in the public schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO ${writer_role}, ${reader_role};

GRANT SELECT, INSERT, UPDATE ON hourly_usage, anomalies, anomaly_revisions, unmapped_usage, actions, action_events
    TO ${writer_role};
GRANT SELECT ON hourly_usage, anomalies, anomaly_revisions, unmapped_usage, actions, action_events
    TO ${reader_role};
-- The jobs check at start that the schema is current; that reads Flyway's history.
GRANT SELECT ON flyway_schema_history TO ${writer_role};
