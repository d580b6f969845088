package io.reckon.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Action;
import io.reckon.avro.Anomaly;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionsSummaryTest {

    @Test
    void theLeakedTotalCountsTheLastFinalUnresolvedRevisionOfRecoverableTypesPerCurrency() {
        List<Anomaly> revisions = List.of(
                anomaly("a", 1, "UNDER_REPORTED_USAGE", "usd", 1_000, false, "open"),
                anomaly("a", 2, "UNDER_REPORTED_USAGE", "usd", 12_345, true, "updated"),
                anomaly("b", 1, "MISSED_OVERAGE", "eur", 500, true, "open"),
                anomaly("c", 1, "UNBILLED_USAGE", "usd", 9_000, true, "open"),
                anomaly("c", 2, "UNBILLED_USAGE", "usd", 0, true, "resolved"),
                anomaly("d", 1, "OVERBILLED", "usd", 7_000, true, "open"),
                anomaly("e", 1, "RENEWAL_DRIFT", "usd", 200, false, "open"));
        ActionsSummary s = ActionsSummary.of(
                revisions,
                List.of(new ActionsSummary.Invoice("usd", 12_345)),
                3,
                2,
                List.of(
                        step("executed"),
                        step("executed"),
                        step("approved"),
                        task("act-u1", "upsell-task", "proposed"),
                        task("act-u1", "upsell-task", "executed"),
                        task("act-u2", "upsell-task", "proposed"),
                        task("act-l1", "task-other-leaks", "executed")));

        assertThat(s.byCurrency())
                .isEqualTo(Map.of(
                        "usd", new ActionsSummary.Money(1, 12_345, 1, 12_345),
                        "eur", new ActionsSummary.Money(1, 500, 0, 0)));
        assertThat(s.steps()).isEqualTo(Map.of("executed", 4, "approved", 1, "proposed", 2));
        // Tasks per rule count actions, not their steps; the webhook step is no task.
        assertThat(s.tasksByRule()).isEqualTo(Map.of("upsell-task", 2, "task-other-leaks", 1));
        assertThat(s.render())
                .contains("  usd                 1           123.45               1           123.45   100.0 %")
                .contains("  eur                 1             5.00               0             0.00     0.0 %")
                .contains("CRM tasks for a person: 3 (by policy rule: task-other-leaks 1, upsell-task 2);"
                        + " webhook deliveries: 2");
    }

    private static Anomaly anomaly(
            String id, int revision, String type, String currency, long amount, boolean fin, String status) {
        Instant t = Instant.parse("2026-03-01T00:00:00Z");
        return Anomaly.newBuilder()
                .setAnomalyId(id)
                .setRevision(revision)
                .setStatus(status)
                .setType(type)
                .setAccountId("acct")
                .setMeter("m")
                .setPeriodStart(t)
                .setPeriodEnd(t)
                .setCurrency(currency)
                .setActualQuantity(new BigDecimal("1.000000000"))
                .setReportedQuantity(new BigDecimal("0.000000000"))
                .setExpectedAmountMinor(amount)
                .setPricedReportedAmountMinor(0)
                .setBilledAmountMinor(null)
                .setAmountMinor(amount)
                .setConfidence(1.0)
                .setSeverity("low")
                .setFinal$(fin)
                .setExplanation("x")
                .setEventTimeWatermark(t)
                .setDetectedAt(t)
                .build();
    }

    private static Action step(String status) {
        return Action.newBuilder()
                .setActionId("act")
                .setAnomalyId("a")
                .setAnomalyRevision(1)
                .setKind("webhook")
                .setStatus(status)
                .setPolicy("p")
                .setAccountId("acct")
                .setAmountMinor(1)
                .setCurrency("usd")
                .setOccurredAt(Instant.EPOCH)
                .build();
    }

    private static Action task(String actionId, String rule, String status) {
        return Action.newBuilder(step(status))
                .setActionId(actionId)
                .setKind("crm_task")
                .setPolicy(rule)
                .build();
    }
}
