package io.reckon.bench;

import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.ContractJson;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.sources.IngestSplit;
import io.reckon.jobs.sources.IngestWatermarks;
import io.reckon.jobs.sources.InputKind;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.PerUnit;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * UNDER_REPORTED_USAGE as a competent Flink SQL user would write it: deduplicate each input by id
 * (ROW_NUMBER, first row), aggregate usage and reports per key and hour (TUMBLE), join the two hourly
 * aggregates (a window join), roll the hours up to the billing month, join the contract terms and
 * keep the periods where actual - reported exceeds the tolerance and the priced difference is at
 * least one minor unit. Mini-batch and local-global (two-phase) aggregation are on.
 *
 * <p>It reads the same sources as Reckon, through the same ingest step, with the same watermarks. It
 * prices per_unit meters only (the benchmark's contracts are per_unit; Reckon prices every model);
 * any other model stops the baseline rather than comparing different things.
 */
final class SqlBaseline {

    static final String DEDUP =
            """
            CREATE TEMPORARY VIEW %1$s_first AS
            SELECT account_id, meter, quantity, rowtime FROM (
                SELECT *, ROW_NUMBER() OVER (PARTITION BY account_id, meter, id ORDER BY proctime ASC) AS rn
                FROM %1$s_in)
            WHERE rn = 1
            """;

    static final String HOURLY =
            """
            CREATE TEMPORARY VIEW %1$s_hourly AS
            SELECT account_id, meter, window_start, window_end, SUM(quantity) AS quantity
            FROM TABLE(TUMBLE(TABLE %1$s_first, DESCRIPTOR(rowtime), INTERVAL '1' HOUR))
            GROUP BY account_id, meter, window_start, window_end
            """;

    static final String HOURLY_JOINED =
            """
            CREATE TEMPORARY VIEW hourly AS
            SELECT COALESCE(u.account_id, r.account_id) AS account_id,
                   COALESCE(u.meter, r.meter) AS meter,
                   COALESCE(u.window_start, r.window_start) AS hour_start,
                   COALESCE(u.quantity, 0) AS actual,
                   COALESCE(r.quantity, 0) AS reported
            FROM usage_hourly u FULL JOIN reported_hourly r
              ON u.account_id = r.account_id AND u.meter = r.meter
             AND u.window_start = r.window_start AND u.window_end = r.window_end
            """;

    static final String FINDINGS =
            """
            SELECT p.account_id, p.meter, p.period_start, p.actual, p.reported,
                   CAST(ROUND(GREATEST(p.actual - c.included, 0) * c.unit_amount, 0)
                      - ROUND(GREATEST(p.reported - c.included, 0) * c.unit_amount, 0) AS BIGINT) AS amount_minor
            FROM (
                SELECT account_id, meter, FLOOR(hour_start TO MONTH) AS period_start,
                       SUM(actual) AS actual, SUM(reported) AS reported
                FROM hourly
                GROUP BY account_id, meter, FLOOR(hour_start TO MONTH)) p
            JOIN contracts c ON p.account_id = c.account_id AND p.meter = c.meter
            WHERE p.actual - p.reported > GREATEST(p.actual, p.reported) * c.tolerance_pct / 100
              AND ROUND(GREATEST(p.actual - c.included, 0) * c.unit_amount, 0)
                - ROUND(GREATEST(p.reported - c.included, 0) * c.unit_amount, 0) >= 1
            """;

    private SqlBaseline() {}

    /** Defines the baseline on {@code env}; the returned sink holds the changelog of findings. */
    static CollectingSink<Row> define(
            StreamExecutionEnvironment env, ReconciliationJob.Watermarks watermarks, ReconciliationJob.Inputs inputs) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(env, EnvironmentSettings.inStreamingMode());
        var config = tables.getConfig();
        config.set("table.local-time-zone", "UTC");
        config.set("table.exec.mini-batch.enabled", "true");
        config.set("table.exec.mini-batch.allow-latency", "1 s");
        config.set("table.exec.mini-batch.size", "5000");
        config.set("table.optimizer.agg-phase-strategy", "TWO_PHASE");

        register(tables, "usage_in", meterRows(env, inputs.usage(), InputKind.USAGE, watermarks));
        register(tables, "reported_in", meterRows(env, inputs.reported(), InputKind.REPORTED, watermarks));
        DataStream<Row> terms = env.fromSource(
                        inputs.contracts(), IngestWatermarks.contracts(watermarks.idleTimeout()), "sql-contracts")
                .process(new IngestSplit.Contracts())
                .returns(TypeInformation.of(ContractEvent.class))
                .flatMap(new ContractTerms())
                .returns(Types.ROW_NAMED(
                        new String[] {"account_id", "meter", "unit_amount", "tolerance_pct", "included"},
                        Types.STRING,
                        Types.STRING,
                        Types.BIG_DEC,
                        Types.BIG_DEC,
                        Types.BIG_DEC));
        tables.createTemporaryView(
                "contracts",
                tables.fromDataStream(
                                terms,
                                Schema.newBuilder()
                                        .column("account_id", "STRING")
                                        .column("meter", "STRING")
                                        .column("unit_amount", "DECIMAL(38, 18)")
                                        .column("tolerance_pct", "DECIMAL(38, 18)")
                                        .column("included", "DECIMAL(38, 18)")
                                        .build())
                        .select(
                                org.apache.flink.table.api.Expressions.$("account_id"),
                                org.apache.flink.table.api.Expressions.$("meter"),
                                org.apache.flink.table.api.Expressions.$("unit_amount")
                                        .cast(org.apache.flink.table.api.DataTypes.DECIMAL(20, 12))
                                        .as("unit_amount"),
                                org.apache.flink.table.api.Expressions.$("tolerance_pct")
                                        .cast(org.apache.flink.table.api.DataTypes.DECIMAL(10, 4))
                                        .as("tolerance_pct"),
                                org.apache.flink.table.api.Expressions.$("included")
                                        .cast(org.apache.flink.table.api.DataTypes.DECIMAL(38, 9))
                                        .as("included")));

        for (String input : new String[] {"usage", "reported"}) {
            tables.executeSql(String.format(DEDUP, input));
            tables.executeSql(String.format(HOURLY, input));
        }
        tables.executeSql(HOURLY_JOINED);
        Table findings = tables.sqlQuery(FINDINGS);
        CollectingSink<Row> sink = new CollectingSink<>();
        // One writer: the changelog of a key comes from one upstream subtask in order, and stays in order.
        tables.toChangelogStream(findings).sinkTo(sink).setParallelism(1).name("sql-findings");
        return sink;
    }

    /** The final table the changelog describes: the findings at the end of the input. */
    static List<BenchFinding> findings(List<Row> changelog) {
        Map<String, BenchFinding> table = new HashMap<>();
        for (Row r : changelog) {
            String account = (String) r.getField("account_id");
            String meter = (String) r.getField("meter");
            long start = ((LocalDateTime) r.getField("period_start"))
                    .toInstant(ZoneOffset.UTC)
                    .toEpochMilli();
            String id = account + '\u001f' + meter + '\u001f' + start;
            if (r.getKind() == RowKind.INSERT || r.getKind() == RowKind.UPDATE_AFTER) {
                table.put(
                        id,
                        new BenchFinding(
                                account,
                                meter,
                                start,
                                (BigDecimal) r.getField("actual"),
                                (BigDecimal) r.getField("reported"),
                                (Long) r.getField("amount_minor")));
            } else {
                table.remove(id);
            }
        }
        List<BenchFinding> out = new ArrayList<>(table.values());
        out.sort(null);
        return out;
    }

    private static void register(StreamTableEnvironment tables, String name, DataStream<Row> rows) {
        tables.createTemporaryView(
                name,
                tables.fromDataStream(
                        rows,
                        Schema.newBuilder()
                                .column("account_id", "STRING")
                                .column("meter", "STRING")
                                .column("id", "STRING")
                                .column("quantity", "DECIMAL(38, 9)")
                                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                                .columnByExpression("proctime", "PROCTIME()")
                                .watermark("rowtime", "SOURCE_WATERMARK()")
                                .build()));
    }

    private static DataStream<Row> meterRows(
            StreamExecutionEnvironment env,
            Source<Ingested, ?, ?> source,
            InputKind kind,
            ReconciliationJob.Watermarks watermarks) {
        return env.fromSource(
                        source,
                        IngestWatermarks.meterEvents(watermarks.maxOutOfOrderness(), watermarks.idleTimeout()),
                        "sql-" + kind.label())
                .process(new IngestSplit.MeterEvents(kind))
                .returns(TypeInformation.of(MeterEvent.class))
                .map(e -> Row.of(e.accountId, e.meter, e.id, e.quantity))
                .returns(Types.ROW_NAMED(
                        new String[] {"account_id", "meter", "id", "quantity"},
                        Types.STRING,
                        Types.STRING,
                        Types.STRING,
                        Types.BIG_DEC));
    }

    /** One row per meter of a contract version: the terms the SQL prices with. */
    static final class ContractTerms implements FlatMapFunction<ContractEvent, Row> {
        @Override
        public void flatMap(ContractEvent c, Collector<Row> out) throws InvalidRecordException {
            ContractVersion v = ContractJson.parse(c.json);
            if (v.version() != 1 || v.renewal() != null) {
                throw new IllegalArgumentException("the SQL baseline handles one contract version without renewal");
            }
            for (MeterTerms t : v.meters()) {
                if (!(t.pricing() instanceof PerUnit p) || t.minimumAmountMinor() != 0) {
                    throw new IllegalArgumentException(
                            "the SQL baseline prices per_unit meters without a minimum only");
                }
                out.collect(Row.of(
                        v.accountId(), t.meter(), p.unitAmountDecimal(), t.tolerancePct(), t.includedQuantity()));
            }
        }
    }
}
