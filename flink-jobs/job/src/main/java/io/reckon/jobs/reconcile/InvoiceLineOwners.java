package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.LaterRecord;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.records.MeterEventSerializer;
import java.util.Comparator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (account_id, line_id), before the lines reach their (account, meter): a line_id names one
 * line of one of the account's invoices, so of all its records only the latest stands (spec: "a later
 * record with the same line_id replaces the earlier one"), even when a correction names another meter.
 * The reconciling operator keeps lines per (account, meter) and could not see a record of the same line
 * under another meter; here every record of a line meets the one standing so far:
 *
 * <ul>
 *   <li>a record that is later ({@link LaterRecord}) goes on to its key; when the standing record is
 *       under another meter, that key is told the line is {@linkplain MeterEvent#LINE_ELSEWHERE
 *       elsewhere} now, and drops it;
 *   <li>an earlier record under the standing record's meter goes on too, where it is found not later
 *       and counted as a duplicate, as before; under another meter it does not (it would bill there):
 *       its key is told the line is elsewhere, which counts it as a duplicate there.
 * </ul>
 *
 * <p>So whatever the order, the line ends under the meter of its latest record alone, and each record
 * that does not stand is counted once. Two records with the same updated_at and content under
 * different meters are ordered by meter. Records of one line_id under two accounts are two lines (an
 * invoice has one customer; billing systems that number lines per customer reuse ids across them).
 * The standing record is forgotten once the downstream state of its period must have been released
 * ({@link #forgetAt}).
 */
public class InvoiceLineOwners extends KeyedProcessFunction<String, MeterEvent, MeterEvent> {

    private static final long MAX_PERIOD_MS = 32L * 24 * ReconSettings.HOUR_MS;

    /** A total order on records of one line with equal updated_at: content, then meter. */
    static final Comparator<LineOwner> ORDER = Comparator.<LineOwner, InvoiceLineState>comparing(
                    o -> o.line, InvoiceLineState.CONTENT)
            .thenComparing(o -> o.meter);

    private final ReconSettings settings;
    private transient ValueState<LineOwner> standing;

    public InvoiceLineOwners(ReconSettings settings) {
        this.settings = settings;
    }

    /** The key of this operator: one line of one account. */
    public static String lineKey(MeterEvent e) {
        return MeterEvent.keyOf(e.accountId, e.id);
    }

    @Override
    public void open(OpenContext openContext) {
        standing = getRuntimeContext().getState(new ValueStateDescriptor<>("standing-line", LineOwner.class));
    }

    @Override
    public void processElement(MeterEvent e, Context ctx, Collector<MeterEvent> out) throws Exception {
        LineOwner kept = standing.value();
        LineOwner arriving = LineOwner.of(e);
        if (kept == null || replaces(arriving, kept)) {
            if (kept != null && !kept.sameKey(e)) {
                out.collect(elsewhere(kept.accountId, kept.meter, e));
            }
            standing.update(arriving);
            ctx.timerService().registerEventTimeTimer(forgetAt(arriving.line));
            out.collect(e);
        } else if (kept.sameKey(e)) {
            out.collect(e);
        } else {
            out.collect(elsewhere(e.accountId, e.meter, e));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MeterEvent> out) throws Exception {
        LineOwner kept = standing.value();
        if (kept != null && forgetAt(kept.line) <= timestamp) {
            standing.clear();
        }
    }

    static boolean replaces(LineOwner arriving, LineOwner kept) {
        return LaterRecord.replaces(arriving.line.updatedAt, kept.line.updatedAt, ORDER.compare(arriving, kept));
    }

    /**
     * After the state of the line's period is released downstream (its period, which holds
     * period_start, ends within 32 days of it, whatever the anchor day), so that a record that
     * arrives later still meets the standing one wherever the period is retained.
     */
    long forgetAt(InvoiceLineState line) {
        long end = Math.max(line.periodEnd, line.periodStart + MAX_PERIOD_MS);
        long finalAt = end + Math.max(settings.allowedLatenessMs(), settings.invoiceGraceMs());
        return finalAt > Long.MAX_VALUE - settings.stateRetentionMs()
                ? Long.MAX_VALUE
                : finalAt + settings.stateRetentionMs();
    }

    /**
     * A record that tells {@code accountId}'s {@code meter} that the line of {@code cause} is not theirs:
     * {@code cause} (its line, times and source) under that key, with the status no input has.
     */
    static MeterEvent elsewhere(String accountId, String meter, MeterEvent cause) {
        MeterEvent m = MeterEventSerializer.INSTANCE.copy(cause);
        m.accountId = accountId;
        m.meter = meter;
        m.status = MeterEvent.LINE_ELSEWHERE;
        return m;
    }
}
