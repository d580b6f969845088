package io.reckon.jobs.reconcile;

import io.reckon.connectors.kafka.Topics;
import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.records.MeterEventJson;
import io.reckon.jobs.sources.InputKind;
import java.util.EnumMap;
import java.util.Map;

/**
 * Dead letters written by the reconciliation itself: records it cannot use (later than the retention,
 * another currency than the contract, too many distinct copies of one id), and (account, meter,
 * period)s it cannot evaluate (amounts beyond a long of minor units). A record's dead letter names the
 * input topic, partition and offset it was read at (the decoder notes them on the record) and holds
 * the decoded record as a JSON line of the spec's fields, every field kept; a period's has the source
 * {@value #RECONCILE} and holds the key and figures.
 */
final class Rejections {

    /** The source of dead letters about a key's period rather than one record. */
    static final String RECONCILE = "reconcile";

    private final ReconOutputs outputs;
    private final Map<MeterEvent.Kind, JobCounters.Counter> rejected = new EnumMap<>(MeterEvent.Kind.class);
    private final JobCounters.Counter pricingFailures;

    Rejections(ReconOutputs outputs, JobCounters counters) {
        this.outputs = outputs;
        rejected.put(MeterEvent.Kind.USAGE, counters.counter("usage.rejected"));
        rejected.put(MeterEvent.Kind.REPORTED, counters.counter("reported.rejected"));
        rejected.put(MeterEvent.Kind.INVOICE_LINE, counters.counter("invoices.rejected"));
        pricingFailures = counters.counter("reconcile.pricing_failures");
    }

    static String topicOf(MeterEvent.Kind kind) {
        return switch (kind) {
            case USAGE -> Topics.USAGE;
            case REPORTED -> Topics.REPORTED;
            case INVOICE_LINE -> Topics.INVOICES;
        };
    }

    void record(MeterEvent e, String reason) {
        rejected.get(e.kind).inc();
        InputKind input = InputKind.ofCode(e.sourceInput);
        outputs.rejected(DeadLetterRecord.of(
                input == null ? topicOf(e.kind) : input.topic(),
                e.sourcePartition < 0 ? null : e.sourcePartition,
                e.sourceOffset < 0 ? null : e.sourceOffset,
                MeterEventJson.of(e),
                reason,
                System.currentTimeMillis()));
    }

    /** A key's period that cannot be evaluated. */
    void period(String description, String reason) {
        pricingFailures.inc();
        outputs.rejected(DeadLetterRecord.of(RECONCILE, null, null, description, reason, System.currentTimeMillis()));
    }
}
