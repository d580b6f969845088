package io.reckon.replay;

import io.reckon.jobs.records.Ingested;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Hands on the meter event with one id only once a {@link PeriodFinalGate} opened (or after {@code
 * timeout}, so that a test whose gate never opens fails on its assertions rather than hanging); every
 * other record passes at once. The source's reader thread waits, as a partition whose next record
 * comes later would.
 */
final class HeldRecordDeserializer implements KafkaRecordDeserializationSchema<Ingested> {

    private final KafkaRecordDeserializationSchema<Ingested> delegate;
    private final String heldId;
    private final String gate;
    private final Duration timeout;

    HeldRecordDeserializer(
            KafkaRecordDeserializationSchema<Ingested> delegate, String heldId, String gate, Duration timeout) {
        this.delegate = delegate;
        this.heldId = heldId;
        this.gate = gate;
        this.timeout = timeout;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        delegate.open(context);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) throws IOException {
        List<Ingested> decoded = new ArrayList<>(1);
        delegate.deserialize(record, new Collector<>() {
            @Override
            public void collect(Ingested i) {
                decoded.add(i);
            }

            @Override
            public void close() {}
        });
        for (Ingested i : decoded) {
            if (i.meterEvent != null && heldId.equals(i.meterEvent.id)) {
                PeriodFinalGate.awaitOpen(gate, timeout);
            }
            out.collect(i);
        }
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return delegate.getProducedType();
    }
}
