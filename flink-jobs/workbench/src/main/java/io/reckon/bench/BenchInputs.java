package io.reckon.bench;

import io.reckon.avro.ReportedUsage;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.ReconOptions;
import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.ReconciliationWiring;
import io.reckon.jobs.records.ContractAvro;
import io.reckon.jobs.records.ContractJson;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.sources.InputKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The two ways the benchmark feeds a job. In memory: Flink's data generator source yields records
 * already decoded ({@link Ingested}), so a run measures the job's own cost. End to end: the same
 * records are produced once to the embedded Kafka as Confluent Avro and read back by the production
 * Kafka sources with their Avro decoding and validation.
 */
final class BenchInputs {

    private static final int QUANTITY_SCALE = 9;
    private static final int PRODUCE_BATCH = 10_000;

    private BenchInputs() {}

    static ReconciliationJob.Inputs inMemory(BenchWorkload w) {
        TypeInformation<Ingested> type = TypeInformation.of(Ingested.class);
        return new ReconciliationJob.Inputs(
                new DataGeneratorSource<>(new Usage(w), w.recordsPerInput(), type),
                new DataGeneratorSource<>(new Reported(w), w.recordsPerInput(), type),
                new DataGeneratorSource<>(new Nothing(), 1, type),
                new DataGeneratorSource<>(new Contracts(w), w.contracts(), type),
                new DataGeneratorSource<>(new Nothing(), 1, type));
    }

    /**
     * Bounded Kafka sources over topics already loaded by {@link #load}; a fresh consumer group reads
     * from the earliest offsets, so every run reads all of it.
     */
    static ReconciliationJob.Inputs kafka(Configuration connectors) {
        return ReconciliationWiring.kafkaInputs(kafkaConf(connectors), true);
    }

    static Configuration kafkaConf(Configuration connectors) {
        Configuration conf = new Configuration(connectors);
        conf.set(ReconOptions.SOURCE_IDLE_TIMEOUT, java.time.Duration.ZERO);
        conf.set(KafkaOptions.GROUP_ID, "reckon-bench-" + UUID.randomUUID());
        conf.set(KafkaOptions.STARTING_OFFSETS, KafkaOptions.StartingOffsets.EARLIEST.value());
        return conf;
    }

    /**
     * Produces the workload into the input topics, in index order per lane interleaved across lanes
     * (so each partition is in event-time order as a live topic would be), keyed by account like
     * every producer of these topics.
     */
    static void load(Configuration connectors, BenchWorkload w) throws InvalidRecordException {
        Configuration conf = kafkaConf(connectors);
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
            List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>(PRODUCE_BATCH);
            String contractSubject = ConfluentAvroCodec.valueSubject(InputKind.CONTRACTS.topic());
            for (long i = 0; i < w.contracts(); i++) {
                var c = ContractJson.parse(w.contract(i).json);
                batch.add(TopicAdmin.record(
                        InputKind.CONTRACTS.topic(),
                        c.accountId() + ":" + c.version(),
                        codec.encode(contractSubject, ContractAvro.toAvro(c)),
                        null));
            }
            admin.produceAll(batch);
            batch.clear();
            String usageSubject = ConfluentAvroCodec.valueSubject(InputKind.USAGE.topic());
            String reportedSubject = ConfluentAvroCodec.valueSubject(InputKind.REPORTED.topic());
            int lanes = w.options().lanes();
            long laneSize = w.recordsPerInput() / lanes;
            for (long j = 0; j < laneSize; j++) {
                for (int lane = 0; lane < lanes; lane++) {
                    long i = lane * laneSize + j;
                    MeterEvent u = w.usage(i);
                    batch.add(record(InputKind.USAGE, u.accountId, codec.encode(usageSubject, usageAvro(u))));
                    MeterEvent r = w.reported(i);
                    batch.add(record(InputKind.REPORTED, r.accountId, codec.encode(reportedSubject, reportedAvro(r))));
                }
                if (batch.size() >= PRODUCE_BATCH) {
                    admin.produceAll(batch);
                    batch.clear();
                }
            }
            admin.produceAll(batch);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(InputKind kind, String key, byte[] value) {
        return TopicAdmin.record(kind.topic(), key, value, null);
    }

    private static SpecificRecord usageAvro(MeterEvent e) throws InvalidRecordException {
        return UsageEvent.newBuilder()
                .setEventId(e.id)
                .setAccountId(e.accountId)
                .setMeter(e.meter)
                .setEventTime(Instant.ofEpochMilli(e.eventTime))
                .setQuantity(scaled(e.quantity))
                .setAttributes(Map.of())
                .build();
    }

    private static SpecificRecord reportedAvro(MeterEvent e) throws InvalidRecordException {
        return ReportedUsage.newBuilder()
                .setReportId(e.id)
                .setAccountId(e.accountId)
                .setMeter(e.meter)
                .setEventTime(Instant.ofEpochMilli(e.eventTime))
                .setQuantity(scaled(e.quantity))
                .build();
    }

    private static BigDecimal scaled(BigDecimal q) throws InvalidRecordException {
        return ContractAvro.scaled(q, QUANTITY_SCALE, "quantity");
    }

    // Generator functions: serializable, a pure function of the index.

    static final class Usage implements GeneratorFunction<Long, Ingested> {
        private final BenchWorkload w;

        Usage(BenchWorkload w) {
            this.w = w;
        }

        @Override
        public Ingested map(Long i) {
            return Ingested.of(w.usage(i));
        }
    }

    static final class Reported implements GeneratorFunction<Long, Ingested> {
        private final BenchWorkload w;

        Reported(BenchWorkload w) {
            this.w = w;
        }

        @Override
        public Ingested map(Long i) {
            return Ingested.of(w.reported(i));
        }
    }

    static final class Contracts implements GeneratorFunction<Long, Ingested> {
        private final BenchWorkload w;

        Contracts(BenchWorkload w) {
            this.w = w;
        }

        @Override
        public Ingested map(Long i) {
            return Ingested.of(w.contract(i));
        }
    }

    /**
     * An input the workload does not use. The generator source needs a count of at least one, so it
     * yields one empty record, which the ingest step counts as a record of the wrong kind; the runs
     * leave it out of their event counts.
     */
    static final class Nothing implements GeneratorFunction<Long, Ingested> {
        @Override
        public Ingested map(Long i) {
            return new Ingested();
        }
    }
}
