package io.reckon.jobs.sources;

import io.reckon.jobs.records.MeterEvent;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Lets invoice lines hold event time back but never push it ahead of what usage and reports have shown
 * (spec v1.1, "Time that cannot be trusted").
 *
 * <p>Input 1 is the metering side (usage, CloudEvents usage, reported usage), input 2 the invoice
 * lines; records of both pass unchanged. An invoice line is timed by its period's end, and lines for a
 * prepaid or future period are legitimate: with Flink's plain rule (the minimum over the inputs that
 * are not idle), an invoice partition would decide the job's event time as soon as the metering
 * partitions went quiet for the idle timeout, and one annual line would make every open period final.
 * Here the watermark sent on is the metering side's, lowered to the invoice side's while that side is
 * active; while the metering side is idle this operator is idle too (it sends no watermark, and
 * downstream ignores it), so invoice lines alone never move event time. Once the invoice input has
 * ended, it is idle as well: the metering side's watermarks reach the reconciliation directly.
 * When the metering side of a bounded input ends first (a replay whose usage file is read before its
 * invoice file), its end of time is not a time its data showed: the invoice side is held at the
 * metering side's last watermark until it ends too, as an idle metering side would hold it. Otherwise
 * invoice lines of a later period, read after the last usage, would make earlier periods final and
 * turn away corrections that arrive after them in the same file, depending on which file the replay
 * finished reading first.
 *
 * <p>The cost: billing-side finality (the invoice grace) waits for usage or reports to show that time
 * has passed; an account whose metering stops entirely is evaluated when other accounts' usage moves
 * the job's event time, or at the end of input.
 */
public final class EventTimeFence extends AbstractStreamOperator<MeterEvent>
        implements TwoInputStreamOperator<MeterEvent, MeterEvent, MeterEvent> {

    private static final long serialVersionUID = 1L;

    private long metering = Long.MIN_VALUE;
    /** The metering side's last watermark before the end of its input. */
    private long meteringShown = Long.MIN_VALUE;

    private long invoices = Long.MIN_VALUE;
    private boolean meteringIdle;
    private boolean invoicesIdle;
    private long sent = Long.MIN_VALUE;
    private boolean sentIdle;

    @Override
    public void processElement1(StreamRecord<MeterEvent> element) {
        output.collect(element);
    }

    @Override
    public void processElement2(StreamRecord<MeterEvent> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        metering = Math.max(metering, mark.getTimestamp());
        if (metering != Long.MAX_VALUE) {
            meteringShown = metering;
        }
        forward();
    }

    @Override
    public void processWatermark2(Watermark mark) throws Exception {
        invoices = Math.max(invoices, mark.getTimestamp());
        forward();
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) {
            meteringIdle = status.isIdle();
        } else {
            invoicesIdle = status.isIdle();
        }
        forward();
    }

    private void forward() throws Exception {
        if (meteringIdle || meteringDecides()) {
            if (!sentIdle) {
                sentIdle = true;
                output.emitWatermarkStatus(WatermarkStatus.IDLE);
            }
            return;
        }
        if (sentIdle) {
            sentIdle = false;
            output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
        }
        long time = fenced();
        if (time > sent) {
            sent = time;
            // Through the operator's own path, so its (unused) timer service stays consistent.
            super.processWatermark(new Watermark(time));
        }
    }

    /**
     * Whether the metering side alone decides event time: it still runs, and the invoice input has
     * ended (a bounded one, in a replay). Its watermarks reach the keyed reconciliation directly, with
     * its records, so this operator then declares itself idle instead of sending its copy of them. That
     * copy crosses two more exchanges (here and the line owners), each holding it in a network buffer
     * for up to the buffer timeout, while the records, which fill their buffers, flow on: in a replay
     * read faster than that, the reconciliation would take records weeks of event time ahead of its
     * watermark, so that a record placed after its period's end in the file was not late. While the
     * invoice input is only idle, the copy goes on as before: the line owners' timers, which forget
     * each line's record, run on it (in real time its delay is milliseconds).
     */
    private boolean meteringDecides() {
        return metering != Long.MAX_VALUE && invoices == Long.MAX_VALUE;
    }

    /**
     * The watermark sent on when this operator is active (the metering side is, and the invoice input
     * has not ended, or the metering input ended): the metering side's, lowered to the invoice side's
     * while that is active; once the metering input ended ({@code metering} at the end of time), the
     * last time it showed, until the invoice input ends too.
     */
    private long fenced() {
        if (metering == Long.MAX_VALUE && invoices != Long.MAX_VALUE) {
            return invoicesIdle ? meteringShown : Math.min(meteringShown, invoices);
        }
        return invoicesIdle ? metering : Math.min(metering, invoices);
    }
}
