package io.reckon.actions;

import io.reckon.connectors.jdbc.PostgresSinks;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Arrays;
import java.util.Collections;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Writes action steps to PostgreSQL: {@code actions} holds the latest step of every action and {@code
 * action_events} every step (the audit trail). The JDBC sink is at-least-once and steps of one action
 * come from two operators (lifecycle and execution), so neither arrival order nor a replay may move a
 * row back: {@code executed} is final, {@code failed} gives way only to {@code executed}, and other steps
 * replace only an older step (lower anomaly revision, or the same revision and an earlier step).
 */
public final class ActionTables {

    static final String[] COLUMNS = {
        "action_id",
        "anomaly_id",
        "anomaly_revision",
        "anomaly_type",
        "kind",
        "target",
        "status",
        "policy",
        "actor",
        "account_id",
        "amount_minor",
        "currency",
        "external_id",
        "reason",
        "attempts",
        "occurred_at"
    };

    private static final String LIST = String.join(", ", COLUMNS);
    private static final String PLACEHOLDERS = String.join(", ", Collections.nCopies(COLUMNS.length, "?"));

    static String rank(String table) {
        return "(CASE " + table + ".status WHEN 'proposed' THEN 1 WHEN 'approved' THEN 2 WHEN 'skipped' THEN 3"
                + " WHEN 'failed' THEN 4 WHEN 'executed' THEN 5 ELSE 0 END)";
    }

    static final String UPSERT_ACTION = "INSERT INTO actions (" + LIST + ", updated_at) VALUES (" + PLACEHOLDERS
            + ", now()) ON CONFLICT (action_id) DO UPDATE SET "
            + Arrays.stream(COLUMNS).skip(1).map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "))
            + ", updated_at = now() WHERE actions.status <> 'executed' AND (EXCLUDED.status = 'executed'"
            + " OR (actions.status <> 'failed' AND (EXCLUDED.status = 'failed'"
            + " OR actions.anomaly_revision < EXCLUDED.anomaly_revision"
            + " OR (actions.anomaly_revision = EXCLUDED.anomaly_revision AND " + rank("actions") + " <= "
            + rank("EXCLUDED") + "))))";

    static final String INSERT_EVENT = "INSERT INTO action_events (" + LIST + ") VALUES (" + PLACEHOLDERS
            + ") ON CONFLICT (action_id, status, anomaly_revision) DO NOTHING";

    private ActionTables() {}

    public static void write(ReadableConfig conf, DataStream<ActionStep> steps) {
        steps.sinkTo(PostgresSinks.upsert(conf, UPSERT_ACTION, ActionTables::bind))
                .name("actions-table")
                .uid("actions-table");
        steps.sinkTo(PostgresSinks.upsert(conf, INSERT_EVENT, ActionTables::bind))
                .name("action-events-table")
                .uid("action-events-table");
    }

    static void bind(PreparedStatement s, ActionStep a) throws SQLException {
        int i = 1;
        s.setString(i++, a.actionId);
        s.setString(i++, a.anomalyId);
        s.setInt(i++, a.anomalyRevision);
        s.setString(i++, a.anomalyType);
        s.setString(i++, a.kind);
        s.setString(i++, a.target);
        s.setString(i++, a.status);
        s.setString(i++, a.policy);
        s.setString(i++, a.actor);
        s.setString(i++, a.accountId);
        s.setLong(i++, a.amountMinor);
        s.setString(i++, a.currency);
        s.setString(i++, a.externalId);
        s.setString(i++, a.reason);
        if (a.attempts == null) {
            s.setNull(i++, Types.INTEGER);
        } else {
            s.setInt(i++, a.attempts);
        }
        s.setTimestamp(i, new Timestamp(a.occurredAt));
    }
}
