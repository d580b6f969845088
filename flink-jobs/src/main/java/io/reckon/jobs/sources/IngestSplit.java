package io.reckon.jobs.sources;

import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.MeterEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Right after a source: valid records go on, dead letters to a side output, and both are counted per
 * input ({@code <input>.read}, {@code .valid}, {@code .dead_lettered}) so that read = valid + dead-lettered
 * can be checked.
 */
public abstract class IngestSplit<T> extends ProcessFunction<Ingested, T> {

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetterRecord.class)) {};

    private final InputKind kind;
    private transient JobCounters.Counter read;
    private transient JobCounters.Counter valid;
    private transient JobCounters.Counter dead;

    protected IngestSplit(InputKind kind) {
        this.kind = kind;
    }

    @Override
    public void open(OpenContext openContext) {
        JobCounters counters = new JobCounters(getRuntimeContext());
        read = counters.counter(kind.label() + ".read");
        valid = counters.counter(kind.label() + ".valid");
        dead = counters.counter(kind.label() + ".dead_lettered");
    }

    @Override
    public void processElement(Ingested in, Context ctx, Collector<T> out) {
        read.inc();
        T value = in.deadLetter == null ? pick(in) : null;
        if (value != null) {
            valid.inc();
            out.collect(value);
            return;
        }
        dead.inc();
        DeadLetterRecord d = in.deadLetter != null
                ? in.deadLetter
                : new DeadLetterRecord(kind.topic(), null, null, new byte[0], "record of the wrong input kind", 0L);
        ctx.output(DEAD_LETTERS, d);
    }

    protected abstract T pick(Ingested in);

    /** Usage, reported usage or invoice lines. */
    public static final class MeterEvents extends IngestSplit<MeterEvent> {
        public MeterEvents(InputKind kind) {
            super(kind);
        }

        @Override
        protected MeterEvent pick(Ingested in) {
            return in.meterEvent;
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
    }
}
