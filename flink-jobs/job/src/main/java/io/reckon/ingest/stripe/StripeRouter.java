package io.reckon.ingest.stripe;

import io.reckon.connectors.stripe.source.StripeRecord;
import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.DeadLetterRecord;
import java.math.BigDecimal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends invoice lines to the main output, reported summaries to {@link #REPORTED} and unmappable
 * objects, or records the input contracts cannot hold (a quantity with more than 9 fractional digits),
 * to {@link #DEAD_LETTERS} with their reason; and counts each ({@link #INVOICE_LINES}, {@link
 * #SUMMARIES}, {@link #DEAD_LETTERED}: metrics of the operator and accumulators of the job).
 */
final class StripeRouter extends ProcessFunction<StripeRecord, StripeRecord> {

    private static final long serialVersionUID = 1L;

    /** Counter names: invoice line records, summaries and dead letters routed. */
    static final String INVOICE_LINES = "stripe.invoice_lines";

    static final String SUMMARIES = "stripe.summaries";
    static final String DEAD_LETTERED = "stripe.dead_lettered";

    private transient JobCounters.Counter lines;
    private transient JobCounters.Counter summaries;
    private transient JobCounters.Counter dead;

    @Override
    public void open(OpenContext openContext) {
        JobCounters counters = new JobCounters(getRuntimeContext());
        lines = counters.counter(INVOICE_LINES);
        summaries = counters.counter(SUMMARIES);
        dead = counters.counter(DEAD_LETTERED);
    }

    static final OutputTag<StripeRecord> REPORTED = new OutputTag<>("stripe-reported") {};
    static final OutputTag<DeadLetterRecord> DEAD_LETTERS = new OutputTag<>("stripe-dead-letters") {};

    /** Fractional digits of a quantity in the input contracts. */
    static final int QUANTITY_SCALE = 9;

    @Override
    public void processElement(StripeRecord r, Context ctx, Collector<StripeRecord> out) {
        switch (r.kind) {
            case UNMAPPED -> {
                ctx.output(DEAD_LETTERS, deadLetter(r.source, r.raw, r.reason, r.updatedAt));
                dead.inc();
            }
            case INVOICE_LINE, REPORTED -> {
                if (!fitsScale(r.quantity)) {
                    ctx.output(
                            DEAD_LETTERS,
                            deadLetter(
                                    r.kind == StripeRecord.Kind.INVOICE_LINE
                                            ? "stripe.invoice_line"
                                            : "stripe.meter_event_summary",
                                    r.toString(),
                                    "quantity " + r.quantity.toPlainString() + " has more than " + QUANTITY_SCALE
                                            + " fractional digits",
                                    r.updatedAt));
                    dead.inc();
                } else if (r.kind == StripeRecord.Kind.INVOICE_LINE) {
                    out.collect(r);
                    lines.inc();
                } else {
                    ctx.output(REPORTED, r);
                    summaries.inc();
                }
            }
        }
    }

    static boolean fitsScale(BigDecimal quantity) {
        return quantity != null && quantity.stripTrailingZeros().scale() <= QUANTITY_SCALE;
    }

    private static DeadLetterRecord deadLetter(String source, String raw, String reason, long detectedAt) {
        return DeadLetterRecord.of(source, null, null, raw, reason, detectedAt);
    }
}
