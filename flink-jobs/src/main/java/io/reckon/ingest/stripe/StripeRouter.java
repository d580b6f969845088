package io.reckon.ingest.stripe;

import io.reckon.connectors.stripe.source.StripeRecord;
import io.reckon.jobs.records.DeadLetterRecord;
import java.math.BigDecimal;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends invoice lines to the main output, reported summaries to {@link #REPORTED} and unmappable
 * objects, or records the input contracts cannot hold (a quantity with more than 9 fractional digits),
 * to {@link #DEAD_LETTERS} with their reason.
 */
final class StripeRouter extends ProcessFunction<StripeRecord, StripeRecord> {

    private static final long serialVersionUID = 1L;

    static final OutputTag<StripeRecord> REPORTED = new OutputTag<>("stripe-reported") {};
    static final OutputTag<DeadLetterRecord> DEAD_LETTERS = new OutputTag<>("stripe-dead-letters") {};

    /** Fractional digits of a quantity in the input contracts. */
    static final int QUANTITY_SCALE = 9;

    @Override
    public void processElement(StripeRecord r, Context ctx, Collector<StripeRecord> out) {
        switch (r.kind) {
            case UNMAPPED -> ctx.output(DEAD_LETTERS, deadLetter(r.source, r.raw, r.reason, r.updatedAt));
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
                } else if (r.kind == StripeRecord.Kind.INVOICE_LINE) {
                    out.collect(r);
                } else {
                    ctx.output(REPORTED, r);
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
