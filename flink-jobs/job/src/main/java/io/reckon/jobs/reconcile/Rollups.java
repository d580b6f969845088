package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.HourlyRollup;
import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;

/**
 * The hourly rollup rows of a key: an hour's raw figures (quantities summed, records counted) and,
 * when the period's contract lists the meter, the hour's actual and reported quantity under the
 * meter's own aggregation, as its period is reconciled (a summary of a {@code count} meter counts its
 * quantity, a {@code max} meter's hour is its largest record).
 */
final class Rollups {

    private final ContractBook contracts;
    private final ReconOutputs outputs;

    Rollups(ContractBook contracts, ReconOutputs outputs) {
        this.contracts = contracts;
        this.outputs = outputs;
    }

    /** Emits the row of {@code hour} of {@code p}, whose bucket is {@code b} (null: nothing in it). */
    void emit(MeterKey key, PeriodState p, long hour, HourBucket b) {
        Aggregation aggregation = contracts
                .termsFor(key, p.start)
                .map(t -> t.meter().aggregation())
                .orElse(null);
        outputs.rollup(of(key, hour, b, aggregation));
    }

    /** The row of one hour; without an {@code aggregation} (an unmapped meter) its aggregates are null. */
    static HourlyRollup of(MeterKey key, long hour, HourBucket b, Aggregation aggregation) {
        HourlyRollup r = new HourlyRollup();
        r.accountId = key.accountId();
        r.meter = key.meter();
        r.hourStart = hour;
        r.actualQuantity = b == null ? BigDecimal.ZERO : b.usage.sum;
        r.reportedQuantity = b == null ? BigDecimal.ZERO : b.reported.sum;
        r.usageRecords = b == null ? 0 : b.usage.count;
        r.reportedRecords = b == null ? 0 : b.reported.count;
        if (aggregation != null) {
            r.aggregation = aggregation.name().toLowerCase(java.util.Locale.ROOT);
            r.actualAggregate = b == null ? BigDecimal.ZERO : b.usage.value(aggregation);
            r.reportedAggregate = b == null ? BigDecimal.ZERO : b.reported.value(aggregation);
        }
        return r;
    }
}
