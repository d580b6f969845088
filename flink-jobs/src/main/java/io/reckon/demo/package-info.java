/**
 * The demo: a seeded workload with known truth ({@link io.reckon.demo.DemoWorkload}) and the report
 * that scores the job's anomalies against it ({@link io.reckon.demo.DemoReport}). Plain Java and
 * Jackson, no Flink types, so the command line and the tests use it directly.
 *
 * <p>Choices a reader of the figures should know:
 *
 * <ul>
 *   <li>Meters: {@code api_calls} is summed, {@code storage_gb} takes the maximum (periodic
 *       snapshots of a growing volume), {@code seats} counts records (one event per active seat
 *       per day).
 *   <li>Reports: for sum and max meters the metering pipeline sends one report per key and hour
 *       (the hour's sum or maximum, stamped hh:59:59, id from account, meter and hour); for the
 *       count meter it forwards every event (id from the event id), because a count meter counts
 *       records and an hourly summary would change the count.
 *   <li>Leaks: UNDER_REPORTED_USAGE by a reporting outage of 10 to 40 hours, 90 % (80 % for
 *       storage) reported from some day on, or every fifth seat event dropped; OVER_REPORTED_USAGE
 *       by hours resent under new report ids or storage reported in GiB as GB. Each metering leak is
 *       on its own account, beyond twice the tolerance and, where the workload allows, worth at least
 *       10.00 in the account's currency. Invoices bill the priced reported quantity (so a
 *       metering leak is billed "correctly" and raises no billing anomaly), except on the keys of
 *       the billing leaks, which sit on accounts with neither a metering leak nor late records
 *       (on their own account where the workload allows): UNBILLED_USAGE by a meter left off the
 *       invoice or a line voided and never reissued; MISSED_OVERAGE by billing only the included
 *       quantity and first tier, or a usage snapshot taken three days before the period closed
 *       (once as a later record replacing a correct draft line); RENEWAL_DRIFT by billing a period
 *       on or after the renewal's term end at the pre-renewal prices; OVERBILLED by a line billed
 *       twice on a second invoice or a quantity inflated by 10 %. Billing leaks are placed on full
 *       periods only and are worth at least 1.00 (10.00 where the workload allows).
 *   <li>Invoice noise on clean keys: a draft line with a wrong amount that a later record of the
 *       same line_id corrects, a voided extra line, and two lines in another currency than the
 *       contract's (the job dead-letters them; their keys keep a correct line).
 *   <li>Noise that must not raise anomalies (default options): about 1 % duplicate lines per record file, records
 *       out of order by up to 3 minutes, 12 records arriving 1 to 5 hours late, 4 key-hours whose
 *       usage and report arrive after their period was final, and 20 malformed lines across the
 *       four inputs. Late records come from hours with at most 0.2 % of their period's quantity,
 *       so that even while one side waits for them the difference stays within tolerance.
 *   <li>Timing: {@code detectableAt} follows the job's real-time rule (usage older than the 2 h
 *       reporting delay against everything reported, evaluated at whole event-time hours); the
 *       billing types at period end + 6 h, UNBILLED_USAGE at the end of the 72 h invoice grace; see
 *       {@code LeakTiming}.
 * </ul>
 */
package io.reckon.demo;
