package io.reckon.jobs.sinks;

import io.reckon.connectors.jdbc.PostgresSinks;
import io.reckon.connectors.jdbc.Supersession;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.HourlyRollup;
import io.reckon.jobs.records.UnmappedUsage;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Writes the job's outputs to the PostgreSQL sink tables (DDL: connectors' Flyway migrations). Rows are
 * written when the checkpoint after them completes ({@link PostgresSinks#committedOnCheckpoint}), the
 * checkpoints on which the Kafka sinks commit their transactions: the tables hold what the committed
 * topics hold, never rows of an attempt a restart rolled back. Every statement is an idempotent upsert,
 * so a batch committed again after a restore changes nothing.
 */
public final class PostgresTables {

    static final String UPSERT_ANOMALY = "INSERT INTO anomalies (" + AnomalyColumns.LIST + ") VALUES ("
            + AnomalyColumns.PLACEHOLDERS + ") ON CONFLICT (anomaly_id) DO UPDATE SET " + AnomalyColumns.UPDATES
            // An older revision arriving after a newer one (a replay) never overwrites it.
            + " WHERE anomalies.revision <= EXCLUDED.revision";

    static final String INSERT_REVISION = "INSERT INTO anomaly_revisions (" + AnomalyColumns.LIST + ") VALUES ("
            + AnomalyColumns.PLACEHOLDERS + ") ON CONFLICT (anomaly_id, revision) DO NOTHING";

    static final String UPSERT_ROLLUP = "INSERT INTO hourly_usage (account_id, meter, hour_start, actual_quantity,"
            + " reported_quantity, usage_records, reported_records, aggregation, actual_aggregate,"
            + " reported_aggregate, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
            + " ON CONFLICT (account_id, meter, hour_start) DO UPDATE SET actual_quantity = EXCLUDED.actual_quantity,"
            + " reported_quantity = EXCLUDED.reported_quantity, usage_records = EXCLUDED.usage_records,"
            + " reported_records = EXCLUDED.reported_records, aggregation = EXCLUDED.aggregation,"
            + " actual_aggregate = EXCLUDED.actual_aggregate, reported_aggregate = EXCLUDED.reported_aggregate,"
            + " updated_at = now()";

    static final String UPSERT_UNMAPPED = "INSERT INTO unmapped_usage (account_id, meter, period_start, period_end,"
            + " reason, usage_records, reported_records, usage_quantity, reported_quantity, invoice_lines, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()) ON CONFLICT (account_id, meter, period_start) DO UPDATE SET"
            + " period_end = EXCLUDED.period_end, reason = EXCLUDED.reason, usage_records = EXCLUDED.usage_records,"
            + " reported_records = EXCLUDED.reported_records, usage_quantity = EXCLUDED.usage_quantity,"
            + " reported_quantity = EXCLUDED.reported_quantity, invoice_lines = EXCLUDED.invoice_lines,"
            + " updated_at = now()";

    private PostgresTables() {}

    public static void anomalies(ReadableConfig conf, DataStream<AnomalyRecord> anomalies) {
        anomalies
                .sinkTo(PostgresSinks.committedOnCheckpoint(
                        conf,
                        UPSERT_ANOMALY,
                        PostgresTables::bindAnomaly,
                        serializer(AnomalyRecord.class),
                        "anomalies",
                        PostgresTables::describeAnomaly,
                        // The upsert's guard: a revision replaces one not newer than itself.
                        Supersession.when(a -> a.anomalyId, (later, earlier) -> earlier.revision <= later.revision)))
                .name("anomalies-table")
                .uid("anomalies-table-committed");
        anomalies
                .sinkTo(PostgresSinks.committedOnCheckpoint(
                        conf,
                        INSERT_REVISION,
                        PostgresTables::bindAnomaly,
                        serializer(AnomalyRecord.class),
                        "anomaly_revisions",
                        PostgresTables::describeAnomaly))
                .name("anomaly-revisions-table")
                .uid("anomaly-revisions-table-committed");
    }

    public static void hourlyRollups(ReadableConfig conf, DataStream<HourlyRollup> rollups) {
        rollups.sinkTo(PostgresSinks.committedOnCheckpoint(
                        conf,
                        UPSERT_ROLLUP,
                        PostgresTables::bindRollup,
                        serializer(HourlyRollup.class),
                        "hourly_usage",
                        r -> "account_id=" + r.accountId + " meter=" + r.meter + " hour_start=" + r.hourStart,
                        Supersession.lastWins(r -> List.of(r.accountId, r.meter, r.hourStart))))
                .name("hourly-usage-table")
                .uid("hourly-usage-table-committed");
    }

    public static void unmapped(ReadableConfig conf, DataStream<UnmappedUsage> unmapped) {
        unmapped.sinkTo(PostgresSinks.committedOnCheckpoint(
                        conf,
                        UPSERT_UNMAPPED,
                        PostgresTables::bindUnmapped,
                        serializer(UnmappedUsage.class),
                        "unmapped_usage",
                        u -> "account_id=" + u.accountId + " meter=" + u.meter + " period_start=" + u.periodStart,
                        Supersession.lastWins(u -> List.of(u.accountId, u.meter, u.periodStart))))
                .name("unmapped-usage-table")
                .uid("unmapped-usage-table-committed");
    }

    private static String describeAnomaly(AnomalyRecord a) {
        return "anomaly_id=" + a.anomalyId + " revision=" + a.revision + " type=" + a.type + " account_id="
                + a.accountId + " meter=" + a.meter + " period_start=" + a.periodStart;
    }

    /** Flink's own serializer of a row type: the rows between two checkpoints are held in the checkpoint. */
    private static <T> TypeSerializer<T> serializer(Class<T> type) {
        return TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
    }

    static void bindAnomaly(PreparedStatement s, AnomalyRecord r) throws SQLException {
        int i = 1;
        s.setString(i++, r.anomalyId);
        s.setInt(i++, r.revision);
        s.setString(i++, r.status);
        s.setString(i++, r.type);
        s.setString(i++, r.accountId);
        s.setString(i++, r.meter);
        s.setTimestamp(i++, new Timestamp(r.periodStart));
        s.setTimestamp(i++, new Timestamp(r.periodEnd));
        s.setString(i++, r.currency);
        s.setBigDecimal(i++, r.actualQuantity);
        s.setBigDecimal(i++, r.reportedQuantity);
        s.setLong(i++, r.expectedAmountMinor);
        s.setLong(i++, r.pricedReportedAmountMinor);
        if (r.billedAmountMinor == null) {
            s.setNull(i++, Types.BIGINT);
        } else {
            s.setLong(i++, r.billedAmountMinor);
        }
        s.setLong(i++, r.amountMinor);
        s.setDouble(i++, r.confidence);
        s.setString(i++, r.severity);
        s.setBoolean(i++, r.finalRevision);
        s.setString(i++, r.explanation);
        s.setTimestamp(i++, new Timestamp(r.eventTimeWatermark));
        s.setTimestamp(i, new Timestamp(r.detectedAt));
    }

    static void bindRollup(PreparedStatement s, HourlyRollup r) throws SQLException {
        s.setString(1, r.accountId);
        s.setString(2, r.meter);
        s.setTimestamp(3, new Timestamp(r.hourStart));
        s.setBigDecimal(4, r.actualQuantity);
        s.setBigDecimal(5, r.reportedQuantity);
        s.setLong(6, r.usageRecords);
        s.setLong(7, r.reportedRecords);
        s.setString(8, r.aggregation);
        s.setBigDecimal(9, r.actualAggregate);
        s.setBigDecimal(10, r.reportedAggregate);
    }

    static void bindUnmapped(PreparedStatement s, UnmappedUsage u) throws SQLException {
        s.setString(1, u.accountId);
        s.setString(2, u.meter);
        s.setTimestamp(3, new Timestamp(u.periodStart));
        s.setTimestamp(4, new Timestamp(u.periodEnd));
        s.setString(5, u.reason);
        s.setLong(6, u.usageRecords);
        s.setLong(7, u.reportedRecords);
        s.setBigDecimal(8, u.usageQuantity);
        s.setBigDecimal(9, u.reportedQuantity);
        s.setLong(10, u.invoiceLines);
    }

    /** Column list of the two anomaly tables, in bind order. */
    private static final class AnomalyColumns {
        static final String[] NAMES = {
            "anomaly_id",
            "revision",
            "status",
            "type",
            "account_id",
            "meter",
            "period_start",
            "period_end",
            "currency",
            "actual_quantity",
            "reported_quantity",
            "expected_amount_minor",
            "priced_reported_amount_minor",
            "billed_amount_minor",
            "amount_minor",
            "confidence",
            "severity",
            "final",
            "explanation",
            "event_time_watermark",
            "detected_at"
        };
        static final String LIST = String.join(", ", NAMES);
        static final String PLACEHOLDERS = String.join(", ", java.util.Collections.nCopies(NAMES.length, "?"));
        static final String UPDATES = java.util.Arrays.stream(NAMES)
                .skip(1)
                .map(n -> n + " = EXCLUDED." + n)
                .collect(java.util.stream.Collectors.joining(", "));
    }
}
