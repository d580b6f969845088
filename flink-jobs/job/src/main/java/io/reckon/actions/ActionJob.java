package io.reckon.actions;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.sources.IngestSplit;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The action job graph, apart from its wiring: anomaly revisions and approvals in, action steps and dead
 * letters out. Production ({@link ActionsMain}) passes Kafka sources and Kafka/JDBC sinks; tests pass
 * bounded sources, collecting sinks and in-process executors. Every operator has a stable uid.
 *
 * <pre>{@code
 * ActionJob.defineWorkflow(env, PolicyParser.fromConfiguration(conf), ActionJob.Settings.from(conf),
 *         ConfiguredExecutors.from(conf, policy), ActionWiring.kafkaInputs(conf, false),
 *         ActionWiring.kafkaAndPostgresOutputs(conf));
 * env.execute("reckon-actions");
 * }</pre>
 *
 * <p>Graph: anomalies and contracts, keyed by account, go to the {@link ActionPlanner} (policy); its
 * commands and the approvals, keyed by action id, go to the {@link ActionLifecycle}; dispatched actions
 * go through {@link ActionExecution} with async I/O. Steps of both the lifecycle and the execution are
 * the output.
 */
public final class ActionJob {

    private ActionJob() {}

    /** The inputs: anomaly revisions and approvals (or their dead letters), and contract versions. */
    public record Inputs(
            Source<ActionInput, ?, ?> anomalies,
            Source<ActionInput, ?, ?> approvals,
            Source<Ingested, ?, ?> contracts) {}

    /** Where the steps and the dead letters go. */
    public record Outputs(Consumer<DataStream<ActionStep>> steps, Consumer<DataStream<DeadLetterRecord>> deadLetters) {}

    /** Timing and capacity of the job. */
    public record Settings(
            Duration contractWait, Duration approvalWait, Duration stateRetention, Duration timeout, int capacity) {

        public static Settings from(ReadableConfig conf) {
            return new Settings(
                    conf.get(ActionOptions.CONTRACT_WAIT),
                    conf.get(ActionOptions.APPROVAL_WAIT),
                    conf.get(ActionOptions.STATE_RETENTION),
                    conf.get(ActionOptions.TIMEOUT),
                    conf.get(ActionOptions.CAPACITY));
        }
    }

    static final OutputTag<DeadLetterRecord> INPUT_DEAD_LETTERS =
            new OutputTag<>("action-input-dead-letters", TypeInformation.of(DeadLetterRecord.class)) {};

    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            ActionPolicy policy,
            Settings settings,
            ExecutorFactory executors,
            Inputs inputs,
            Outputs outputs) {
        // Actions depend on arrival, not on event time: no watermarks.
        SingleOutputStreamOperator<AnomalyRecord> anomalies = env.fromSource(
                        inputs.anomalies(), WatermarkStrategy.noWatermarks(), "anomalies-source")
                .uid("anomalies-source")
                .process(new Split<AnomalyRecord>(true))
                .returns(TypeInformation.of(AnomalyRecord.class))
                .name("anomalies-decode")
                .uid("anomalies-decode");
        SingleOutputStreamOperator<ApprovalRecord> approvals = env.fromSource(
                        inputs.approvals(), WatermarkStrategy.noWatermarks(), "approvals-source")
                .uid("approvals-source")
                .process(new Split<ApprovalRecord>(false))
                .returns(TypeInformation.of(ApprovalRecord.class))
                .name("approvals-decode")
                .uid("approvals-decode");
        SingleOutputStreamOperator<ContractEvent> contracts = env.fromSource(
                        inputs.contracts(), WatermarkStrategy.noWatermarks(), "contracts-source")
                .uid("contracts-source")
                .process(new IngestSplit.Contracts())
                .returns(TypeInformation.of(ContractEvent.class))
                .name("contracts-decode")
                .uid("contracts-decode");

        SingleOutputStreamOperator<ActionCommand> commands = anomalies
                .keyBy(a -> a.accountId)
                .connect(contracts.keyBy(c -> c.accountId))
                .process(new ActionPlanner(policy, settings.contractWait()))
                .returns(TypeInformation.of(ActionCommand.class))
                .name("action-planner")
                .uid("action-planner");

        SingleOutputStreamOperator<ActionStep> lifecycle = commands.keyBy(c -> c.actionId)
                .connect(approvals.keyBy(a -> a.actionId))
                .process(new ActionLifecycle(settings.approvalWait(), settings.stateRetention()))
                .returns(TypeInformation.of(ActionStep.class))
                .name("action-lifecycle")
                .uid("action-lifecycle");

        DataStream<ActionStep> outcomes = AsyncDataStream.unorderedWait(
                        lifecycle.getSideOutput(ActionLifecycle.DISPATCH),
                        new ActionExecution(executors, settings.timeout()),
                        settings.timeout().toMillis(),
                        TimeUnit.MILLISECONDS,
                        settings.capacity())
                .returns(TypeInformation.of(ActionStep.class))
                .name("action-execution")
                .uid("action-execution");

        DataStream<ActionStep> steps = lifecycle
                .union(outcomes)
                .map(new StepCounts())
                .returns(TypeInformation.of(ActionStep.class))
                .name("action-step-counts")
                .uid("action-step-counts");
        outputs.steps().accept(steps);
        outputs.deadLetters()
                .accept(anomalies
                        .getSideOutput(INPUT_DEAD_LETTERS)
                        .union(
                                approvals.getSideOutput(INPUT_DEAD_LETTERS),
                                contracts.getSideOutput(IngestSplit.DEAD_LETTERS),
                                lifecycle.getSideOutput(ActionLifecycle.DEAD_LETTERS)));
    }

    /** Right after a source: the decoded records go on, dead letters to a side output. */
    static final class Split<T> extends ProcessFunction<ActionInput, T> {
        private final boolean anomalies;

        Split(boolean anomalies) {
            this.anomalies = anomalies;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void processElement(ActionInput in, Context ctx, Collector<T> out) {
            Object value = anomalies ? in.anomaly : in.approval;
            if (value != null) {
                out.collect((T) value);
            } else if (in.deadLetter != null) {
                ctx.output(INPUT_DEAD_LETTERS, in.deadLetter);
            }
        }
    }
}
