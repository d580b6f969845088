package io.reckon.replay;

import io.reckon.jobs.records.Ingested;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;

/**
 * Reads records at a steady pace, a pause before each, so that a source that holds its whole input
 * at once still hands records on over time, as a live one would.
 */
final class PacedDeserializer implements KafkaRecordDeserializationSchema<Ingested> {

    private final KafkaRecordDeserializationSchema<Ingested> delegate;
    private final long pauseNanos;

    PacedDeserializer(KafkaRecordDeserializationSchema<Ingested> delegate, Duration pause) {
        this.delegate = delegate;
        this.pauseNanos = pause.toNanos();
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        delegate.open(context);
    }

    @Override
    public void deserialize(
            org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out)
            throws IOException {
        LockSupport.parkNanos(pauseNanos);
        delegate.deserialize(record, out);
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return delegate.getProducedType();
    }
}
