package io.reckon.jobs;

import io.reckon.jobs.reconcile.InvoiceLineOwners;
import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.reconcile.ReconcileFunction;
import io.reckon.jobs.reconcile.ReconcileOperator;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.ForecastRecord;
import io.reckon.jobs.records.HourlyRollup;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.records.UnmappedUsage;
import io.reckon.jobs.sources.EventTimeFence;
import io.reckon.jobs.sources.IngestSplit;
import io.reckon.jobs.sources.IngestWatermarks;
import io.reckon.jobs.sources.InputKind;
import io.reckon.jobs.sources.WatermarksOnly;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The reconciliation job graph, apart from its wiring: sources come in, sinks are handed the streams.
 * Production ({@link ReconciliationMain}) passes Kafka sources and Kafka/JDBC sinks; tests pass
 * bounded sources and collecting sinks; replay passes the same Kafka connectors over the embedded
 * stack. Every operator has a stable uid so savepoints survive upgrades.
 *
 * <pre>{@code
 * ReconciliationJob.defineWorkflow(env, settings, watermarks, inputs, outputs);
 * env.execute("reckon-reconciliation");
 * }</pre>
 */
public final class ReconciliationJob {

    private ReconciliationJob() {}

    /**
     * The inputs, each yielding decoded records or dead letters. {@code usageCloudEvents} is usage
     * sent as CloudEvents JSON; it joins Avro usage in the same keyed stream and deduplication.
     */
    public record Inputs(
            Source<Ingested, ?, ?> usage,
            Source<Ingested, ?, ?> reported,
            Source<Ingested, ?, ?> invoices,
            Source<Ingested, ?, ?> contracts,
            Source<Ingested, ?, ?> usageCloudEvents) {}

    /** Where each output stream goes. */
    public record Outputs(
            Consumer<DataStream<AnomalyRecord>> anomalies,
            Consumer<DataStream<DeadLetterRecord>> deadLetters,
            Consumer<DataStream<HourlyRollup>> hourlyRollups,
            Consumer<DataStream<UnmappedUsage>> unmapped,
            Consumer<DataStream<ForecastRecord>> forecasts) {

        /** Outputs whose period-end forecasts are not consumed. */
        public Outputs(
                Consumer<DataStream<AnomalyRecord>> anomalies,
                Consumer<DataStream<DeadLetterRecord>> deadLetters,
                Consumer<DataStream<HourlyRollup>> hourlyRollups,
                Consumer<DataStream<UnmappedUsage>> unmapped) {
            this(anomalies, deadLetters, hourlyRollups, unmapped, forecasts -> {});
        }
    }

    /** Watermark settings of the inputs. */
    public record Watermarks(
            Duration maxOutOfOrderness,
            Duration idleTimeout,
            int corroboration,
            Duration maxFutureSkew,
            boolean eachHour) {

        /** With the default corroboration and future skew of {@link ReconOptions}, periodic only. */
        public Watermarks(Duration maxOutOfOrderness, Duration idleTimeout) {
            this(
                    maxOutOfOrderness,
                    idleTimeout,
                    ReconOptions.WATERMARK_CORROBORATION.defaultValue(),
                    ReconOptions.MAX_FUTURE_SKEW.defaultValue(),
                    false);
        }

        public static Watermarks from(ReadableConfig conf) {
            return new Watermarks(
                    conf.get(ReconOptions.MAX_OUT_OF_ORDERNESS),
                    conf.get(ReconOptions.SOURCE_IDLE_TIMEOUT),
                    conf.get(ReconOptions.WATERMARK_CORROBORATION),
                    conf.get(ReconOptions.MAX_FUTURE_SKEW),
                    conf.get(ReconOptions.WATERMARK_EACH_HOUR));
        }
    }

    /**
     * Turns on {@code pipeline.object-reuse} unless {@code conf} sets it: chained operators then hand
     * records on as they are instead of deep-copying each one through its serializer. This graph is
     * safe with it (audit in docs/guarantees.md, "Object reuse"): every function emits a new object
     * per output and never changes it afterwards, none mutates its input, the keyed operator keeps
     * only immutable values (String, BigDecimal, primitives) taken from its input, and the one sink
     * that buffers records (the JDBC writer) copies them itself when reuse is on. An explicit
     * {@code pipeline.object-reuse: false} still wins, to rule reuse out when diagnosing.
     *
     * <pre>{@code
     * Configuration conf = ReconciliationJob.withObjectReuse(new Configuration(base));
     * }</pre>
     *
     * @return {@code conf}, changed in place
     */
    public static Configuration withObjectReuse(Configuration conf) {
        if (!conf.contains(PipelineOptions.OBJECT_REUSE)) {
            conf.set(PipelineOptions.OBJECT_REUSE, true);
        }
        return conf;
    }

    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            ReconSettings settings,
            Watermarks watermarks,
            Inputs inputs,
            Outputs outputs) {
        defineWorkflow(env, watermarks, inputs, outputs, new ReconcileFunction(settings));
    }

    /** As above, with a reconcile function configured by the caller (the benchmark measures latency). */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            Watermarks watermarks,
            Inputs inputs,
            Outputs outputs,
            ReconcileFunction reconcile) {
        WatermarkStrategy<Ingested> meterWatermarks = IngestWatermarks.meterEvents(
                watermarks.maxOutOfOrderness(),
                watermarks.idleTimeout(),
                watermarks.corroboration(),
                watermarks.maxFutureSkew(),
                watermarks.eachHour());

        SingleOutputStreamOperator<MeterEvent> usage =
                meterInput(env, inputs.usage(), InputKind.USAGE, meterWatermarks);
        SingleOutputStreamOperator<MeterEvent> usageCloudEvents =
                meterInput(env, inputs.usageCloudEvents(), InputKind.USAGE_CLOUDEVENTS, meterWatermarks);
        SingleOutputStreamOperator<MeterEvent> reported =
                meterInput(env, inputs.reported(), InputKind.REPORTED, meterWatermarks);
        SingleOutputStreamOperator<MeterEvent> invoices =
                meterInput(env, inputs.invoices(), InputKind.INVOICES, meterWatermarks);

        SingleOutputStreamOperator<ContractEvent> contracts = env.fromSource(
                        inputs.contracts(), IngestWatermarks.contracts(watermarks.idleTimeout()), "contracts-source")
                .uid("contracts-source")
                .process(new IngestSplit.Contracts())
                .returns(TypeInformation.of(ContractEvent.class))
                .name("contracts-decode")
                .uid("contracts-decode");

        // Every contract reaches every subtask (broadcast state). The operator is Flink's keyed broadcast
        // operator plus the points where records combined per key and hour are written to state.
        // Invoice lines may hold event time back but never move it past what metering has shown: they
        // pass the fence, which sees the metering side's watermarks (a filter chained to each decoder
        // passes its watermarks and no record), and the metering records go straight to the keyed
        // operator, whose event time is the minimum over both, i.e. the fence's (never above the
        // metering side's). The metering records cross the network once.
        SingleOutputStreamOperator<MeterEvent> fencedInvoices = watermarksOf(usage, InputKind.USAGE)
                .union(
                        watermarksOf(usageCloudEvents, InputKind.USAGE_CLOUDEVENTS),
                        watermarksOf(reported, InputKind.REPORTED))
                .connect(invoices)
                .transform("event-time-fence", TypeInformation.of(MeterEvent.class), new EventTimeFence())
                .uid("event-time-fence");

        // Every record of one invoice line meets the others before the line reaches its (account, meter):
        // a correction may name another meter, and only the latest record stands.
        SingleOutputStreamOperator<MeterEvent> ownedInvoices = fencedInvoices
                .keyBy(InvoiceLineOwners::lineKey)
                .process(new InvoiceLineOwners(reconcile.settings()))
                .returns(TypeInformation.of(MeterEvent.class))
                .name("invoice-line-owners")
                .uid("invoice-line-owners");

        SingleOutputStreamOperator<AnomalyRecord> anomalies = usage.union(usageCloudEvents, reported, ownedInvoices)
                .keyBy(MeterEvent::key)
                .connect(contracts.broadcast())
                .transform("reconcile", TypeInformation.of(AnomalyRecord.class), new ReconcileOperator(reconcile))
                .uid("reconcile");

        DataStream<DeadLetterRecord> deadLetters = usage.getSideOutput(IngestSplit.DEAD_LETTERS)
                .union(
                        usageCloudEvents.getSideOutput(IngestSplit.DEAD_LETTERS),
                        reported.getSideOutput(IngestSplit.DEAD_LETTERS),
                        invoices.getSideOutput(IngestSplit.DEAD_LETTERS),
                        contracts.getSideOutput(IngestSplit.DEAD_LETTERS),
                        anomalies.getSideOutput(ReconcileFunction.REJECTED));

        outputs.anomalies().accept(anomalies);
        outputs.deadLetters().accept(deadLetters);
        outputs.hourlyRollups().accept(anomalies.getSideOutput(ReconcileFunction.ROLLUPS));
        outputs.unmapped().accept(anomalies.getSideOutput(ReconcileFunction.UNMAPPED));
        outputs.forecasts().accept(anomalies.getSideOutput(ReconcileFunction.FORECASTS));
    }

    /**
     * The watermarks of one metering input without its records, for the fence: a filter chained to the
     * decoder (one input edge, the same parallelism), so no record leaves the decoder's task this way.
     */
    private static DataStream<MeterEvent> watermarksOf(SingleOutputStreamOperator<MeterEvent> decoded, InputKind kind) {
        return decoded.filter(new WatermarksOnly())
                .name(kind.label() + "-watermarks")
                .uid(kind.label() + "-watermarks");
    }

    private static SingleOutputStreamOperator<MeterEvent> meterInput(
            StreamExecutionEnvironment env,
            Source<Ingested, ?, ?> source,
            InputKind kind,
            WatermarkStrategy<Ingested> watermarks) {
        return env.fromSource(source, watermarks, kind.label() + "-source")
                .uid(kind.label() + "-source")
                .process(new IngestSplit.MeterEvents(kind))
                .returns(TypeInformation.of(MeterEvent.class))
                .name(kind.label() + "-decode")
                .uid(kind.label() + "-decode");
    }
}
