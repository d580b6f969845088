package io.reckon.replay;

import io.reckon.jobs.ReconOptions;
import io.reckon.jobs.sources.CorroboratedTime;
import io.reckon.jobs.sources.RecordId;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Where a bounded input reaches in event time: the k-th largest event time of its valid records with
 * distinct ids ({@link CorroboratedTime}, k as in {@code reconcile.watermark-corroboration}, so that
 * no single record dated far ahead, nor copies of it, stretches it), leaving out times further ahead
 * of the wall clock than the job accepts ({@code reconcile.max-future-skew}: the job dead-letters
 * those). Replay passes the usage input's end to the job as {@code reconcile.input-end}, so that every
 * subtask judges usage signals up to the same time, also one whose own keys fell silent early.
 */
final class InputEnd {

    private final CorroboratedTime times;
    private final long latestAccepted;

    InputEnd(int corroboration, long latestAccepted) {
        this.times = new CorroboratedTime(corroboration);
        this.latestAccepted = latestAccepted;
    }

    /** With the job's corroboration and future skew in {@code conf}, as of the wall clock {@code nowMs}. */
    static InputEnd of(ReadableConfig conf, long nowMs) {
        return new InputEnd(
                conf.get(ReconOptions.WATERMARK_CORROBORATION),
                nowMs + conf.get(ReconOptions.MAX_FUTURE_SKEW).toMillis());
    }

    /** A valid record {@code id} (null: none, always distinct) at {@code eventTime}. */
    void add(RecordId id, long eventTime) {
        if (eventTime <= latestAccepted && times.mayMove(eventTime)) {
            times.add(id, eventTime); // records with distinct ids corroborate, as for the watermark
        }
    }

    /** The end, or {@link CorroboratedTime#NONE} before k records with distinct ids were seen. */
    long end() {
        return times.time();
    }
}
