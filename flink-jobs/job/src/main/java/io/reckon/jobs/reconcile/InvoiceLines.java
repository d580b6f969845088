package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.BillingChecks;
import io.reckon.jobs.reconcile.checks.LaterRecord;
import io.reckon.jobs.records.MeterEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;

/**
 * A key's invoice lines by line_id. A record replaces the kept record of its line when it is later
 * ({@link LaterRecord}); a line belongs to the billing period holding its period_start; void lines
 * count as absent; the others add up to what was billed, credits (negative amounts) included.
 */
final class InvoiceLines {

    private final MapState<String, InvoiceLineState> lines;

    InvoiceLines(MapState<String, InvoiceLineState> lines) {
        this.lines = lines;
    }

    /** What storing a record did: whether it replaced the kept one, and the one it replaced (or null). */
    record Stored(boolean stored, InvoiceLineState previous) {}

    Stored store(MeterEvent e) throws Exception {
        InvoiceLineState incoming = InvoiceLineState.of(e);
        InvoiceLineState kept = lines.get(e.id);
        if (kept != null
                && !LaterRecord.replaces(
                        incoming.updatedAt, kept.updatedAt, InvoiceLineState.CONTENT.compare(incoming, kept))) {
            return new Stored(false, kept);
        }
        lines.put(e.id, incoming);
        return new Stored(true, kept);
    }

    /**
     * The lines of a period: what they add up to, those in another currency than the contract's, and
     * whether it has a line in the contract's currency at all, void ones included.
     */
    record Bill(BillingChecks.Billed billed, List<String> foreignLineIds, boolean anyLine) {}

    /**
     * What the lines of {@code p} add up to in {@code currency}.
     *
     * @throws ArithmeticException when the total leaves a long of minor units
     */
    Bill billOf(PeriodState p, String currency) throws Exception {
        BillingChecks.Billed billed = BillingChecks.Billed.NONE;
        List<String> foreign = new ArrayList<>(0);
        boolean any = false;
        for (Map.Entry<String, InvoiceLineState> entry : lines.entries()) {
            InvoiceLineState l = entry.getValue();
            if (!inPeriod(l, p)) {
                continue;
            }
            if (!l.currency.equals(currency)) {
                foreign.add(entry.getKey());
            } else {
                any = true;
                if (!l.isVoid()) {
                    billed = billed.plus(l.amountMinor);
                }
            }
        }
        return new Bill(billed, foreign, any);
    }

    /** How many lines of {@code p} stand and are not void. */
    long standingIn(PeriodState p) throws Exception {
        long n = 0;
        for (InvoiceLineState l : lines.values()) {
            if (inPeriod(l, p) && !l.isVoid()) {
                n++;
            }
        }
        return n;
    }

    InvoiceLineState get(String lineId) throws Exception {
        return lines.get(lineId);
    }

    void remove(String lineId) throws Exception {
        lines.remove(lineId);
    }

    /** Removes the lines of a released period. */
    void release(PeriodState p) throws Exception {
        List<String> settled = new ArrayList<>();
        for (Map.Entry<String, InvoiceLineState> l : lines.entries()) {
            if (inPeriod(l.getValue(), p)) {
                settled.add(l.getKey());
            }
        }
        for (String id : settled) {
            lines.remove(id);
        }
    }

    /** Whether {@code line}'s period is {@code p} (the key's periods are cut as its lines were placed). */
    static boolean inPeriod(InvoiceLineState line, PeriodState p) {
        return p.contains(line.periodStart);
    }
}
