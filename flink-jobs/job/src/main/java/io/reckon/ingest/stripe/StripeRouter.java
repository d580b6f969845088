package io.reckon.ingest.stripe;

import io.reckon.connectors.stripe.source.StripeRecord;
import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.ContractAvro;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.InvalidRecordException;
import java.math.BigDecimal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends invoice lines to the main output, reported summaries to {@link #REPORTED} and unmappable
 * objects, or records the input contracts cannot hold (a quantity with more than 9 fractional digits or
 * 29 digits before the decimal point),
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
                String unfit = unfitQuantity(r.quantity);
                if (unfit != null) {
                    ctx.output(
                            DEAD_LETTERS,
                            deadLetter(
                                    r.kind == StripeRecord.Kind.INVOICE_LINE
                                            ? "stripe.invoice_line"
                                            : "stripe.meter_event_summary",
                                    r.toString(),
                                    unfit,
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

    /**
     * Why {@code quantity} does not fit the input contracts' decimal(38, 9), or null when it does: a
     * record that did not would fail the Kafka sink's encoding, and with it the job, at every restart.
     */
    static String unfitQuantity(BigDecimal quantity) {
        if (quantity == null) {
            return "the record has no quantity";
        }
        try {
            ContractAvro.scaled(quantity, QUANTITY_SCALE, "quantity");
            return null;
        } catch (InvalidRecordException e) {
            return e.getMessage();
        }
    }

    private static DeadLetterRecord deadLetter(String source, String raw, String reason, long detectedAt) {
        return DeadLetterRecord.of(source, null, null, raw, reason, detectedAt);
    }
}
