package io.reckon.connectors.stripe.source;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

/**
 * The reader of a Stripe source: a fetcher thread calls Stripe (blocking, with backoff) while the task
 * thread emits; the split's position moves only when a batch's records have been emitted, so a
 * checkpoint holds exactly the records emitted before it.
 */
final class StripeSourceReader
        extends SingleThreadMultiplexSourceReaderBase<StripeBatch, StripeRecord, StripeSplit, StripeSplitState> {

    StripeSourceReader(Supplier<SplitReader<StripeBatch, StripeSplit>> splitReader, SourceReaderContext context) {
        super(splitReader, new Emitter(), new Configuration(), context);
    }

    @Override
    public void start() {
        // The enumerator assigns the one split when this reader registers; nothing to request.
    }

    @Override
    protected void onSplitFinished(Map<String, StripeSplitState> finishedSplitIds) {}

    @Override
    protected StripeSplitState initializedState(StripeSplit split) {
        return new StripeSplitState(split);
    }

    @Override
    protected StripeSplit toSplitType(String splitId, StripeSplitState state) {
        return state.toSplit();
    }

    /** Emits a batch's records, then moves the split past them. */
    static final class Emitter implements RecordEmitter<StripeBatch, StripeRecord, StripeSplitState> {
        @Override
        public void emitRecord(StripeBatch batch, SourceOutput<StripeRecord> output, StripeSplitState state) {
            for (StripeRecord record : batch.records()) {
                output.collect(record);
            }
            state.apply(batch);
        }
    }
}
