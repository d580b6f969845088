package io.reckon.jobs.reconcile;

import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.UnmappedUsage;
import java.math.BigDecimal;

/**
 * The records of final periods that no contract prices: counted in {@code usage.unmapped} and {@code
 * reported.unmapped}, and written as rows of {@code unmapped_usage}. The counts are those of the periods
 * as they stand, not of the evaluations made: a late record raises its period's, a record moved to
 * another period lowers it, and a period that becomes priced (a contract version that came after it was
 * final) or is cut anew (another anchor day) gives its records back, with a row of no records that says
 * why. So the counts and the table end the same whatever order the records and contracts arrived in.
 */
final class UnmappedRecords {

    /** The reason of a row whose period a contract version that came later prices. */
    static final String PRICED = "priced";

    /** The reason of a row whose period no longer exists: the key's periods were cut anew (an anchor day moved). */
    static final String CUT_ANEW = "cut_anew";

    private final ReconOutputs outputs;
    private final JobCounters.Counter usage;
    private final JobCounters.Counter reported;
    private final JobCounters.Counter invoices;

    UnmappedRecords(ReconOutputs outputs, JobCounters counters) {
        this.outputs = outputs;
        this.usage = counters.counter("usage.unmapped");
        this.reported = counters.counter("reported.unmapped");
        this.invoices = counters.counter("invoices.unmapped");
    }

    /** Counts the records {@code p} holds now as unmapped and writes its row, with {@code reason}. */
    void report(MeterKey key, PeriodState p, String reason) {
        count(p, p.usage.count, p.reported.count);
        p.unmappedRow = true;
        outputs.unmapped(row(key, p, reason));
    }

    /** Takes back what {@code p} counted as unmapped, if anything, with a row of no records and {@code reason}. */
    void takeBack(MeterKey key, PeriodState p, String reason) {
        if (!p.unmappedRow) {
            return;
        }
        count(p, 0, 0);
        countLines(p, 0);
        p.unmappedRow = false;
        UnmappedUsage u = row(key, p, reason);
        u.usageRecords = 0;
        u.reportedRecords = 0;
        u.usageQuantity = BigDecimal.ZERO;
        u.reportedQuantity = BigDecimal.ZERO;
        outputs.unmapped(u);
    }

    /**
     * Counts {@code lines} invoice lines of {@code p} as unmapped (its billing evaluation after the
     * invoice grace, without a contract) and writes its row again when the count changed. The row has
     * the period's records as {@link #report} counted them.
     */
    void reportLines(MeterKey key, PeriodState p, String reason, long lines) {
        if (lines == p.unmappedLines) {
            return;
        }
        countLines(p, lines);
        p.unmappedRow = true;
        outputs.unmapped(row(key, p, reason));
    }

    private void countLines(PeriodState p, long lines) {
        invoices.add(lines - p.unmappedLines);
        p.unmappedLines = lines;
    }

    private void count(PeriodState p, long usageRecords, long reportedRecords) {
        usage.add(usageRecords - p.unmappedUsage);
        reported.add(reportedRecords - p.unmappedReported);
        p.unmappedUsage = usageRecords;
        p.unmappedReported = reportedRecords;
    }

    private static UnmappedUsage row(MeterKey key, PeriodState p, String reason) {
        UnmappedUsage u = new UnmappedUsage();
        u.accountId = key.accountId();
        u.meter = key.meter();
        u.periodStart = p.start;
        u.periodEnd = p.end;
        u.reason = reason;
        u.usageRecords = p.usage.count;
        u.reportedRecords = p.reported.count;
        u.usageQuantity = p.usage.sum;
        u.reportedQuantity = p.reported.sum;
        u.invoiceLines = p.unmappedLines;
        return u;
    }
}
