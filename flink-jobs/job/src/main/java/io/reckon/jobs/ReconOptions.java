package io.reckon.jobs;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Typed options of the reconciliation job. Durations are event time unless said otherwise. */
public final class ReconOptions {

    public static final ConfigOption<Duration> DEDUP_HORIZON = ConfigOptions.key("reconcile.dedup-horizon")
            .durationType()
            .defaultValue(Duration.ofHours(24))
            .withDescription("Copies of the same event_id (or report_id) whose event times are at most this far"
                    + " apart count once. Costs one state entry per id, kept until the period after its last"
                    + " copy's time plus the horizon is released: 6 to 10 weeks with monthly periods and the"
                    + " default invoice grace and retention (docs/reconciliation.md, \"Deduplication\").");

    public static final ConfigOption<Duration> REPORTING_DELAY = ConfigOptions.key("reconcile.reporting-delay")
            .durationType()
            .defaultValue(Duration.ofHours(2))
            .withDescription("While a period is open, usage younger than this is not yet expected to be"
                    + " reported and is left out of the comparison. Whole hours.");

    public static final ConfigOption<Duration> ALLOWED_LATENESS = ConfigOptions.key("reconcile.allowed-lateness")
            .durationType()
            .defaultValue(Duration.ofHours(6))
            .withDescription("A period's metering-side anomalies become final when the watermark passes period"
                    + " end plus this. Whole hours.");

    public static final ConfigOption<Duration> INVOICE_GRACE = ConfigOptions.key("reconcile.invoice-grace")
            .durationType()
            .defaultValue(Duration.ofHours(72))
            .withDescription("How long after period end invoices may still arrive before billing-side"
                    + " anomalies are evaluated and become final. Whole hours.");

    public static final ConfigOption<Duration> STATE_RETENTION = ConfigOptions.key("reconcile.state-retention")
            .durationType()
            .defaultValue(Duration.ofDays(35))
            .withDescription("How long after a period is final its state is kept to absorb late records (each"
                    + " produces an updated revision). A record arriving later than this is dead-lettered"
                    + " with the reason, never dropped silently.");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS = ConfigOptions.key(
                    "reconcile.max-out-of-orderness")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("Bounded out-of-orderness of each input's watermark.");

    public static final ConfigOption<Boolean> WATERMARK_EACH_HOUR = ConfigOptions.key("reconcile.watermark-each-hour")
            .booleanType()
            .defaultValue(false)
            .withDescription("Also emit an input's watermark as soon as its event time passes an hour, not only"
                    + " every pipeline.auto-watermark-interval. For input read much faster than its event time"
                    + " passes: reckon replay --order file sets it, so that a file read whole within one interval"
                    + " still moves event time while it is read, and its records that come after their period"
                    + " was final are late. A live job does not need it (event time passes an hour in an hour).");

    public static final ConfigOption<Duration> SOURCE_IDLE_TIMEOUT = ConfigOptions.key("reconcile.source-idle-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("Processing time after which a quiet input partition stops holding back the"
                    + " watermark. 0 disables idleness (replay of bounded input).");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW = ConfigOptions.key("reconcile.max-future-skew")
            .durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription("Input validation: a usage or reported event time (and any updated_at) further than"
                    + " this ahead of the wall clock is dead-lettered: a record from the future is a clock or"
                    + " producer error, and must not move event time for the records of everyone else. Stripe"
                    + " accepts 5 minutes.");

    public static final ConfigOption<Duration> MAX_FUTURE_PERIOD = ConfigOptions.key("reconcile.max-future-period")
            .durationType()
            .defaultValue(Duration.ofDays(400))
            .withDescription("Input validation: an invoice line whose period starts or ends further than this"
                    + " ahead of the wall clock is dead-lettered. Wider than the skew because a prepaid period"
                    + " (an annual plan) is billed before it starts; such lines never advance event time (see"
                    + " reconcile.watermark-corroboration and docs/guarantees.md).");

    public static final ConfigOption<Integer> WATERMARK_CORROBORATION = ConfigOptions.key(
                    "reconcile.watermark-corroboration")
            .intType()
            .defaultValue(3)
            .withDescription("How many records with distinct ids an input partition must have seen at or after an"
                    + " event time before its watermark may pass it: the watermark follows the k-th largest event"
                    + " time, so no single record (nor k - 1 of them) can move event time ahead. 1 is Flink's"
                    + " plain bounded out-of-orderness.");

    public static final ConfigOption<Duration> GAP_WINDOW = ConfigOptions.key("reconcile.gap-window")
            .durationType()
            .defaultValue(Duration.ofHours(6))
            .withDescription("REPORTING_GAP: a key whose usage went unreported for this long, after it had"
                    + " reports in the window before, raises a gap. Whole hours.");

    public static final ConfigOption<Integer> SPIKE_DEVIATIONS = ConfigOptions.key("reconcile.spike-deviations")
            .intType()
            .defaultValue(5)
            .withDescription("USAGE_SPIKE/USAGE_DROP of maximum (level) meters: how many spreads (the key's own"
                    + " variation around that hour) one hour alone must lie from its usual quantity. Summed and"
                    + " counted meters are judged by the tail probability of a count model (docs/reconciliation.md).");

    public static final ConfigOption<Integer> SPIKE_RATIO = ConfigOptions.key("reconcile.spike-ratio")
            .intType()
            .defaultValue(5)
            .withDescription("USAGE_SPIKE: an hour must also be more than this many times its usual quantity"
                    + " (the median of that hour of the week in the previous 4 weeks).");

    public static final ConfigOption<Integer> DROP_RATIO = ConfigOptions.key("reconcile.drop-ratio")
            .intType()
            .defaultValue(4)
            .withDescription("USAGE_DROP: an hour must be less than its usual quantity divided by this.");

    public static final ConfigOption<Double> DROP_DEVIATIONS = ConfigOptions.key("reconcile.drop-deviations")
            .doubleType()
            .defaultValue(3.5)
            .withDescription("USAGE_SPIKE/USAGE_DROP of maximum (level) meters: how many spreads a run of 2 to 8"
                    + " consecutive high (or low) hours with readings must lie from its usual total.");

    public static final ConfigOption<Integer> SPIKE_MIN_RECORDS = ConfigOptions.key("reconcile.spike-min-records")
            .intType()
            .defaultValue(4)
            .withDescription("USAGE_SPIKE/USAGE_DROP: an hour is judged only when that hour of the week held at"
                    + " least this many usage records in the previous 4 weeks together (and usually has"
                    + " usage); other hours are counted as too sparse (metric signals.hours-too-sparse).");

    public static final ConfigOption<Integer> UPSELL_MARGIN_PCT = ConfigOptions.key("reconcile.upsell-margin")
            .intType()
            .defaultValue(20)
            .withDescription("UPSELL_OPPORTUNITY: percent by which a key's usage must exceed its allowance (the"
                    + " included quantity, or the first price tier) in the previous period and, projected,"
                    + " in the current one.");

    public static final ConfigOption<Boolean> UPSELL_ENABLED = ConfigOptions.key("reconcile.upsell-enabled")
            .booleanType()
            .defaultValue(false)
            .withDescription("UPSELL_OPPORTUNITY (an extension of the spec's anomaly types, a sales signal, not a"
                    + " leak): true emits it into recon.anomalies and the anomaly tables with the other types;"
                    + " false (the default) emits none. Period-end forecasts are made either way.");

    public static final ConfigOption<Long> INPUT_END = ConfigOptions.key("reconcile.input-end")
            .longType()
            .noDefaultValue()
            .withDescription("For a bounded input: the event time (epoch milliseconds) its usage is known to reach,"
                    + " the k-th largest distinct usage event time of the whole input (k as in"
                    + " reconcile.watermark-corroboration). Every subtask then judges USAGE_SPIKE/USAGE_DROP up to"
                    + " it, whatever its own keys reached, so the answer does not depend on when the last"
                    + " watermark before the end of the input was emitted. reckon replay sets it from its usage"
                    + " file; unset, each subtask goes by what it read.");

    private ReconOptions() {}
}
