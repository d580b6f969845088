package io.reckon.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.Agg;
import io.reckon.jobs.reconcile.AggSerializer;
import io.reckon.jobs.reconcile.AnomalyState;
import io.reckon.jobs.reconcile.AnomalyStateSerializer;
import io.reckon.jobs.reconcile.HourBucket;
import io.reckon.jobs.reconcile.HourBucketSerializer;
import io.reckon.jobs.reconcile.InvoiceLineState;
import io.reckon.jobs.reconcile.PeriodState;
import io.reckon.jobs.reconcile.PeriodStateSerializer;
import io.reckon.jobs.reconcile.SignalEpisode;
import java.math.BigDecimal;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every type that crosses the network or lives in state has a serializer of Flink's own or of ours,
 * never Kryo: a Kryo fallback would be slow and would break state evolution across upgrades. Most are
 * POJOs; the aggregates kept per hour and the records of the one shuffle have compact serializers of
 * their own.
 */
class FlinkTypesTest {

    @ParameterizedTest
    @ValueSource(
            classes = {
                ContractEvent.class,
                DeadLetterRecord.class,
                Ingested.class,
                AnomalyRecord.class,
                HourlyRollup.class,
                io.reckon.jobs.reconcile.LineOwner.class,
                UnmappedUsage.class,
                InvoiceLineState.class,
                SignalEpisode.class
            })
    void isAPojoWithoutGenericFields(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        // Throws if any nested field would need Kryo.
        info.createSerializer(config);
    }

    @ParameterizedTest
    @ValueSource(classes = {Agg.class, HourBucket.class, PeriodState.class, AnomalyState.class, MeterEvent.class})
    void hasItsCompactSerializerWithoutGenericTypes(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(CompactTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        assertThat(info.createSerializer(config))
                .isIn(
                        AggSerializer.INSTANCE,
                        HourBucketSerializer.INSTANCE,
                        PeriodStateSerializer.INSTANCE,
                        AnomalyStateSerializer.INSTANCE,
                        MeterEventSerializer.INSTANCE);
    }

    @Test
    void aMeterEventSurvivesItsSerializer() throws Exception {
        MeterEvent e = MeterEvent.usage("e-1", "acct_1", "api_calls", 1_772_000_000_000L, new BigDecimal("12.5"));
        TypeSerializer<MeterEvent> s =
                TypeInformation.of(MeterEvent.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(e, out);
        MeterEvent back = s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).isEqualTo(e);
    }
}
