-- Sink tables read by dashboards. Every write is an idempotent upsert keyed by the natural
-- identity of the row, so a replay from a checkpoint rewrites the same rows with the same values.

-- Hourly rollup per (account, meter): what was measured and what was reported in each UTC hour.
CREATE TABLE hourly_usage (
    account_id        TEXT           NOT NULL,
    meter             TEXT           NOT NULL,
    hour_start        TIMESTAMPTZ    NOT NULL,
    actual_quantity   NUMERIC(38, 9) NOT NULL,
    reported_quantity NUMERIC(38, 9) NOT NULL,
    usage_records     BIGINT         NOT NULL,
    reported_records  BIGINT         NOT NULL,
    updated_at        TIMESTAMPTZ    NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, meter, hour_start)
);

-- The latest revision of every anomaly. A revision only ever replaces an older one.
CREATE TABLE anomalies (
    anomaly_id                   TEXT           PRIMARY KEY,
    revision                     INTEGER        NOT NULL,
    status                       TEXT           NOT NULL,
    type                         TEXT           NOT NULL,
    account_id                   TEXT           NOT NULL,
    meter                        TEXT           NOT NULL,
    period_start                 TIMESTAMPTZ    NOT NULL,
    period_end                   TIMESTAMPTZ    NOT NULL,
    currency                     TEXT           NOT NULL,
    actual_quantity              NUMERIC(38, 9) NOT NULL,
    reported_quantity            NUMERIC(38, 9) NOT NULL,
    expected_amount_minor        BIGINT         NOT NULL,
    priced_reported_amount_minor BIGINT         NOT NULL,
    billed_amount_minor          BIGINT,
    amount_minor                 BIGINT         NOT NULL,
    confidence                   DOUBLE PRECISION NOT NULL,
    severity                     TEXT           NOT NULL,
    final                        BOOLEAN        NOT NULL,
    explanation                  TEXT           NOT NULL,
    event_time_watermark         TIMESTAMPTZ    NOT NULL,
    detected_at                  TIMESTAMPTZ    NOT NULL
);
CREATE INDEX anomalies_account ON anomalies (account_id, period_start);
CREATE INDEX anomalies_type_period ON anomalies (type, period_start);

-- Every revision of every anomaly, append-only: the audit trail.
CREATE TABLE anomaly_revisions (LIKE anomalies INCLUDING DEFAULTS);
ALTER TABLE anomaly_revisions ADD PRIMARY KEY (anomaly_id, revision);

-- Usage and reports of (account, meter, period) that no contract prices.
CREATE TABLE unmapped_usage (
    account_id        TEXT           NOT NULL,
    meter             TEXT           NOT NULL,
    period_start      TIMESTAMPTZ    NOT NULL,
    period_end        TIMESTAMPTZ    NOT NULL,
    reason            TEXT           NOT NULL,
    usage_records     BIGINT         NOT NULL,
    reported_records  BIGINT         NOT NULL,
    usage_quantity    NUMERIC(38, 9) NOT NULL,
    reported_quantity NUMERIC(38, 9) NOT NULL,
    updated_at        TIMESTAMPTZ    NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, meter, period_start)
);
