package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.records.MeterEventSerializer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.streaming.api.TimerService;

/**
 * A key's invoice line records that arrive before the job's first watermark, held until it passes.
 * The contracts input holds the watermark until it has been read ({@code IngestWatermarks}), and a
 * line is judged on intake against the contract of its period: judged before a version that changes
 * the account's currency arrived, a line in the new currency would be dead-lettered, and a line in the
 * old one would replace a record of its line_id that it must not replace. Taken in at the first
 * watermark, in the order they came, every line is judged as if the contracts had come first, so the
 * answer does not depend on which input the job happened to read first.
 */
final class HeldLines {

    /** The timer at which a key's held lines are taken in: the first watermark passes it. */
    static final long RELEASE = Long.MIN_VALUE + 1;

    private final ListState<MeterEvent> held;

    HeldLines(ListState<MeterEvent> held) {
        this.held = held;
    }

    /** Holds {@code e} when it is an invoice line record and no watermark has passed yet. */
    boolean hold(MeterEvent e, TimerService timers) throws Exception {
        if (e.kind != MeterEvent.Kind.INVOICE_LINE
                || ReconcileFunction.evaluationsMayExist(timers.currentWatermark())) {
            return false;
        }
        // A copy: the record object is the input's and may be reused once this call returns.
        held.add(MeterEventSerializer.INSTANCE.copy(e));
        timers.registerEventTimeTimer(RELEASE);
        return true;
    }

    static boolean isRelease(long timer) {
        return timer == RELEASE;
    }

    /**
     * {@code timers} as the held records met them, before the first watermark: taken in at that
     * watermark's first timer, before any tick of it, they are judged as of their arrival (a period
     * they open is not final yet, a line is not late), and the timers they set fire in the same
     * watermark.
     */
    static TimerService asTheyCame(TimerService timers) {
        return new WatermarkView(timers, Long.MIN_VALUE);
    }

    /** The key's held records in the order they came; none is held any longer. */
    List<MeterEvent> release() throws Exception {
        List<MeterEvent> out = new ArrayList<>();
        Iterable<MeterEvent> all = held.get();
        if (all != null) {
            all.forEach(out::add);
        }
        held.clear();
        return out;
    }
}
