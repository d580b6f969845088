package io.reckon.jobs.sources;

import io.reckon.jobs.CounterTotals;
import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.MeterEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Right after a source: valid records go on, dead letters to a side output, and both are counted per
 * input ({@code <input>.read}, {@code .valid}, {@code .dead_lettered}) so that read = valid + dead-lettered
 * can be checked. Meter inputs also expose {@code <input>.event_time_lag_ms}: wall clock minus the
 * largest valid event time this subtask has seen, a measure of how far behind real time the input is.
 * It is a gauge for people and alerts only; event time alone decides lateness and finality.
 *
 * <p>The counts are kept in operator state ({@link CounterTotals}): after a restart they go on from the
 * last checkpoint, and the records replayed since then are counted once more, exactly as the sources
 * read them again, so the totals equal those of an undisturbed run.
 */
public abstract class IngestSplit<T> extends ProcessFunction<Ingested, T> implements CheckpointedFunction {

    /** Operator state name of the counts; one per decode operator (each has its own uid). */
    static final String COUNTER_TOTALS = "ingest-counter-totals";

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetterRecord.class)) {};

    private final InputKind kind;
    private transient CounterTotals totals;
    private transient JobCounters counters;
    private transient JobCounters.Counter read;
    private transient JobCounters.Counter valid;
    private transient JobCounters.Counter dead;
    private transient volatile long maxEventTime;

    protected IngestSplit(InputKind kind) {
        this.kind = kind;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new JobCounters(getRuntimeContext(), totals == null ? java.util.Map.of() : totals.restored());
        read = counters.counter(kind.label() + ".read");
        valid = counters.counter(kind.label() + ".valid");
        dead = counters.counter(kind.label() + ".dead_lettered");
        maxEventTime = Long.MIN_VALUE;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        totals = CounterTotals.restore(context, COUNTER_TOTALS);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        totals.snapshot(counters);
    }

    /** The counts of this subtask, restored totals included (for tests). */
    JobCounters counters() {
        return counters;
    }

    /** Wall clock minus the largest valid event time seen; null before the first valid record. */
    Long eventTimeLagMillis() {
        long max = maxEventTime;
        return max == Long.MIN_VALUE ? null : System.currentTimeMillis() - max;
    }

    @Override
    public void processElement(Ingested in, Context ctx, Collector<T> out) {
        read.inc();
        T value = in.deadLetter == null ? pick(in) : null;
        if (value != null) {
            valid.inc();
            long eventTime = eventTime(value);
            if (eventTime != Long.MIN_VALUE) {
                if (maxEventTime == Long.MIN_VALUE) {
                    // Registered on the first valid record: before it there is no lag, and the Prometheus
                    // reporter would show a null-valued gauge as 0, a false "up to date".
                    getRuntimeContext().getMetricGroup().gauge(kind.label() + ".event_time_lag_ms", (Gauge<Long>)
                            this::eventTimeLagMillis);
                }
                maxEventTime = Math.max(maxEventTime, eventTime);
            }
            out.collect(value);
            return;
        }
        dead.inc();
        DeadLetterRecord d = in.deadLetter != null
                ? in.deadLetter
                : DeadLetterRecord.of(kind.topic(), null, null, new byte[0], "record of the wrong input kind", 0L);
        ctx.output(DEAD_LETTERS, d);
    }

    protected abstract T pick(Ingested in);

    /**
     * Event time of a valid record in epoch millis, or {@code Long.MIN_VALUE} when it has none (contract
     * versions carry validity dates, not an event time, so the contracts input has no lag gauge).
     */
    protected abstract long eventTime(T value);

    /** Usage, reported usage or invoice lines. */
    public static final class MeterEvents extends IngestSplit<MeterEvent> {
        public MeterEvents(InputKind kind) {
            super(kind);
        }

        @Override
        protected MeterEvent pick(Ingested in) {
            return in.meterEvent;
        }

        @Override
        protected long eventTime(MeterEvent value) {
            return value.eventTime;
        }
    }

    /** Contract versions. */
    public static final class Contracts extends IngestSplit<ContractEvent> {
        public Contracts() {
            super(InputKind.CONTRACTS);
        }

        @Override
        protected ContractEvent pick(Ingested in) {
            return in.contract;
        }

        @Override
        protected long eventTime(ContractEvent value) {
            return Long.MIN_VALUE;
        }
    }
}
