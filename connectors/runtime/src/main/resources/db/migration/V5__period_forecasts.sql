-- The latest forecast of every (account, meter, billing period): what the period is projected to end
-- at as of an hourly tick (as_of, event time), with an 80 % interval, priced exactly with the contract.
-- A forecast only ever replaces one of an earlier (or the same) as_of; the final row of a period
-- (final = true) holds its actual figures. Method: docs/reconciliation.md#period-end-forecasts.
CREATE TABLE period_forecasts (
    account_id             TEXT           NOT NULL,
    meter                  TEXT           NOT NULL,
    period_start           TIMESTAMPTZ    NOT NULL,
    period_end             TIMESTAMPTZ    NOT NULL,
    as_of                  TIMESTAMPTZ    NOT NULL,
    currency               TEXT           NOT NULL,
    quantity_so_far        NUMERIC(38, 9) NOT NULL,
    projected_quantity     NUMERIC(38, 9) NOT NULL,
    quantity_low           NUMERIC(38, 9) NOT NULL,
    quantity_high          NUMERIC(38, 9) NOT NULL,
    projected_amount_minor BIGINT         NOT NULL,
    amount_low_minor       BIGINT         NOT NULL,
    amount_high_minor      BIGINT         NOT NULL,
    final                  BOOLEAN        NOT NULL,
    updated_at             TIMESTAMPTZ    NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, meter, period_start)
);
CREATE INDEX period_forecasts_period ON period_forecasts (period_start);

GRANT SELECT, INSERT, UPDATE ON period_forecasts TO ${writer_role};
GRANT SELECT ON period_forecasts TO ${reader_role};
