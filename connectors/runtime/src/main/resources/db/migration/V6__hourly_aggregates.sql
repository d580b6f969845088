-- An hour's usage under the meter's own aggregation, beside its raw figures. actual_quantity and
-- reported_quantity sum the quantities and the *_records columns count records whatever the meter's
-- aggregation, so for a count meter reported by summaries, or a max meter, their difference is not
-- what the period's reconciliation compares. The aggregates are: sum of quantities, the number of
-- records (a summary counting its quantity), or the largest quantity, as the period's contract says;
-- null while the meter is in no contract, and for rows written before this migration.
ALTER TABLE hourly_usage
    ADD COLUMN aggregation        TEXT,
    ADD COLUMN actual_aggregate   NUMERIC(38, 9),
    ADD COLUMN reported_aggregate NUMERIC(38, 9);
