-- Actions taken on anomalies: the latest step of every action, and every step as an audit trail.
-- Both are written by idempotent statements keyed by the action's stable id, so a replay from a
-- checkpoint rewrites the same rows.

-- The latest step of every action.
CREATE TABLE actions (
    action_id         TEXT        PRIMARY KEY,
    anomaly_id        TEXT        NOT NULL,
    anomaly_revision  INTEGER     NOT NULL,
    anomaly_type      TEXT,
    kind              TEXT        NOT NULL,
    target            TEXT,
    status            TEXT        NOT NULL,
    policy            TEXT        NOT NULL,
    actor             TEXT,
    account_id        TEXT        NOT NULL,
    amount_minor      BIGINT      NOT NULL,
    currency          TEXT        NOT NULL,
    external_id       TEXT,
    reason            TEXT,
    attempts          INTEGER,
    occurred_at       TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX actions_status ON actions (status, occurred_at);
CREATE INDEX actions_account ON actions (account_id, occurred_at);

-- Every step of every action, append-only: who or what did what, and when.
CREATE TABLE action_events (
    action_id         TEXT        NOT NULL,
    status            TEXT        NOT NULL,
    anomaly_revision  INTEGER     NOT NULL,
    anomaly_id        TEXT        NOT NULL,
    anomaly_type      TEXT,
    kind              TEXT        NOT NULL,
    target            TEXT,
    policy            TEXT        NOT NULL,
    actor             TEXT,
    account_id        TEXT        NOT NULL,
    amount_minor      BIGINT      NOT NULL,
    currency          TEXT        NOT NULL,
    external_id       TEXT,
    reason            TEXT,
    attempts          INTEGER,
    occurred_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (action_id, status, anomaly_revision)
);
