/**
 * The demo: a seeded workload with known truth ({@link io.reckon.demo.DemoWorkload}), its billing side
 * as a Stripe account would hold it ({@link io.reckon.demo.StripeWorld}, served by a local Stripe
 * stand-in and read by the Stripe ingest job) and the report that scores the job's anomalies against
 * the truth ({@link io.reckon.demo.DemoReport}). Plain Java and Jackson, no Flink types, so the command
 * line and the tests use it directly.
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
 *       invoice or a line (on an invoice of its own) voided and never reissued; MISSED_OVERAGE by
 *       billing only the included quantity and first tier, or a usage snapshot taken three days
 *       before the period closed
 *       (once as a later record replacing a correct draft line); RENEWAL_DRIFT by billing a period
 *       on or after the renewal's term end at the pre-renewal prices; OVERBILLED by a line billed
 *       twice on a second invoice or a quantity inflated by 10 %. Billing leaks are placed on full
 *       periods only and are worth at least 1.00 (10.00 where the workload allows).
 *   <li>Signals: REPORTING_GAP by 8 to 14 hours of reports never sent, followed by one catch-up
 *       report stamped in the hour reporting resumes (so the period ends fully reported; a report
 *       dated back inside the gap would race the job's hourly ticks, because a replay reads its
 *       inputs at different speeds); USAGE_SPIKE by 1 to 3 hours of a sum meter multiplied by 5 to
 *       9; USAGE_DROP by 3 to 6 hours without usage. Reports follow usage, so neither leaks money.
 *       Each is on an account with no other injection, spikes and drops from the fifth week on
 *       (the seasonal baseline needs four weeks). A spike or drop key is made dense (so that the
 *       job's detector raises the case from its first changed hour, as a customer's batch job in
 *       business hours would): on
 *       weekdays from 10:00 to 16:00 UTC, over the whole range, its usage is 25 to 34 events an hour
 *       of the account's usual batch size (about 10,000 events more per key), and the case's hours
 *       lie inside that window. These keys are on accounts billed from the 1st, so their last
 *       period closes with the input. The truth of a signal is its
 *       identity as the job names it (a gap's first hour, an episode's first hour), found by
 *       replaying the job's rules over the changed key ({@code SignalRules}; for spikes and drops the
 *       job's own detector, whose first flagged hour is a property of its method); a placement is kept
 *       only if those hours make one episode or gap starting where designed. The gaps that an
 *       injected reporting outage or dropped seat events imply (no report for 6 h while usage goes
 *       on) are in the truth as well. A gap's amount is priced like the job's: price(usage of the
 *       period through the gap) - price(usage before it); spikes and drops have none.
 *   <li>Scoring signals: a signal counts once any revision was not resolved (it was raised; the
 *       catch-up later resolves the gap), with the amount of its last unresolved revision. The
 *       transient UNDER_REPORTED_USAGE a gap opens before its catch-up ends resolved and is not
 *       counted. Signals without a truth entry are false signals, rated per key-hour judged: for
 *       spikes and drops every key's hours up to the end of the input that the job's detector judges
 *       (neither too young nor too sparse: the hours the job judges); for reporting
 *       gaps every key's hours from its first usage to the end of its last billing period. The
 *       noise is not tuned to keep that rate low: the sum meters' Poisson arrivals and log-normal
 *       batch sizes, the sparse seat events and the storage snapshots every 6 to 12 hours are what
 *       the rules see.
 *   <li>Upsell opportunities (UPSELL_OPPORTUNITY, a sales signal; {@code reckon demo} turns
 *       {@code reconcile.upsell-enabled} on for its run): the truth holds every (account, meter,
 *       period) whose usage and the previous period's both reach the meter's allowance (included
 *       quantity, else the first of several tiers) plus the default margin of 20 %, with usage beyond
 *       the allowance worth more than 0 ({@code UpsellTruth}, written out apart from the job's
 *       detector). The workload's plans are small for much of its usage, so most are the accounts' own
 *       ({@code method} organic); on top, six clean keys (no leak, signal, late record or invoice
 *       noise on the account, one contract version, billed from the 1st, no minimum) get an included
 *       quantity at most 1/1.6 of their usage in each of the last two periods ({@code outgrown_plan}),
 *       and six more one just under their usage, so that every period exceeds it by less than the
 *       margin (near misses, negatives). Only contracts change, drawn from a Random of their own after
 *       every other injection: usage, reports and every other case stay as they were, and the
 *       changed keys' invoices bill their reports with the new plan. An opportunity is detectable when
 *       its period's metering side is final (period end + 6 h); its amount is price(usage) -
 *       price(allowance).
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
