package io.reckon.jobs.reconcile;

import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.PeriodCut;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.TimeUtils;

/**
 * Takes invoice lines into a key's state: a record replaces the earlier record of its line_id when it
 * is later ({@link InvoiceLines}), a line in another currency than its contract is rejected, and a
 * record that tells the key its line now bills another (account, meter) ({@link InvoiceLineOwners})
 * drops the line. The period a line enters or leaves is evaluated again at the next tick; a line whose
 * period's billing is final is counted as late.
 */
final class LineIntake {

    private final ReconSettings settings;
    private final Periods periods;
    private final InvoiceLines lines;
    private final ContractBook contracts;
    private final Rejections rejections;
    private final Ticks ticks;
    private final JobCounters.Counter duplicates;
    private final JobCounters.Counter late;

    LineIntake(
            ReconSettings settings,
            Periods periods,
            InvoiceLines lines,
            ContractBook contracts,
            Rejections rejections,
            Ticks ticks,
            JobCounters.Counter duplicates,
            JobCounters.Counter late) {
        this.settings = settings;
        this.periods = periods;
        this.lines = lines;
        this.contracts = contracts;
        this.rejections = rejections;
        this.ticks = ticks;
        this.duplicates = duplicates;
        this.late = late;
    }

    /**
     * Whether {@code e} tells this key that a line it does not hold stands elsewhere ({@link
     * InvoiceLineOwners} sends the earlier record of a line that moved here): then the record is only
     * counted, as a duplicate, and nothing of the key's state is opened for it. Otherwise false, and
     * the record goes to {@link #record}.
     */
    boolean countedOnly(MeterEvent e) throws Exception {
        if (!MeterEvent.LINE_ELSEWHERE.equals(e.status) || lines.get(e.id) != null) {
            return false;
        }
        duplicates.inc();
        return true;
    }

    /**
     * An invoice line record of {@code key}, whose periods are cut with {@code cut}, once {@link
     * #countedOnly} said it is more than a count.
     */
    void record(MeterKey key, MeterEvent e, PeriodCut cut, TimerService timers) throws Exception {
        if (MeterEvent.LINE_ELSEWHERE.equals(e.status)) {
            elsewhere(key, e, cut, timers);
        } else {
            line(key, e, cut, timers);
        }
    }

    /**
     * A record of line {@code e.id}, which this key holds, that does not stand here: the line's latest
     * record bills another (account, meter) ({@link InvoiceLineOwners}). The line is dropped from this
     * key, its period evaluated again, and the record that no longer stands counted as a duplicate.
     */
    private void elsewhere(MeterKey key, MeterEvent e, PeriodCut cut, TimerService timers) throws Exception {
        duplicates.inc();
        InvoiceLineState kept = lines.get(e.id); // held: see countedOnly
        lines.remove(e.id);
        lineLeft(periods.containing(kept.periodStart, cut));
        ticks.request(timers, key.streamKey(), kept.periodEnd);
    }

    /**
     * A line left period {@code left} (for another key, or another period of this key): a final period
     * is evaluated again at the next tick, which the caller requests; an open one compares billing when
     * it becomes final, from the lines it then has.
     */
    private void lineLeft(PeriodState left) throws Exception {
        if (left != null && left.finalized) {
            left.reevaluate = true;
            periods.put(left);
        }
    }

    /**
     * An invoice line replaces the earlier record of its line_id when it is later. A line in another
     * currency than its contract is rejected: amounts of different currencies are never added together.
     */
    private void line(MeterKey key, MeterEvent e, PeriodCut cut, TimerService timers) throws Exception {
        long watermark = timers.currentWatermark();
        long start = periods.startOf(e.periodStart, cut);
        Optional<ContractVersion> contract = contracts.contractFor(key.accountId(), start);
        if (contract.isPresent() && !contract.get().currency().equals(e.currency)) {
            rejections.record(
                    e,
                    "invoice line " + e.id + " is in " + e.currency + " but the contract of " + key.accountId()
                            + " is in " + contract.get().currency());
            return;
        }
        PeriodState p = periods.get(start);
        if (p == null) {
            p = periods.create(e.periodStart, cut, watermark, timers);
        }
        if (p == null) {
            rejections.record(
                    e,
                    "invoice line " + e.id + " for the period from " + Instant.ofEpochMilli(start)
                            + " arrived after that period's state was released (retention "
                            + TimeUtils.formatWithHighestUnit(Duration.ofMillis(settings.stateRetentionMs()))
                            + " after it was final)");
            return;
        }
        InvoiceLines.Stored stored = lines.store(e);
        if (!stored.stored()) {
            duplicates.inc();
            periods.put(p);
            return;
        }
        if (stored.previous() != null) {
            // The record it replaces no longer stands: counted as the one that does not, whichever came first.
            duplicates.inc();
        }
        if (stored.previous() != null && !InvoiceLines.inPeriod(stored.previous(), p)) {
            // The line moved to another period: the one it left is evaluated again too.
            lineLeft(periods.containing(stored.previous().periodStart, cut));
        }
        if (p.billingFinal) {
            p.lateRecords++;
            late.inc();
        }
        if (p.finalized) {
            p.reevaluate = true;
        }
        periods.put(p);
        ticks.request(timers, key.streamKey(), e.eventTime);
    }
}
