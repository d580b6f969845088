package io.reckon.demo;

import io.reckon.avro.Action;
import io.reckon.avro.Anomaly;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the demo's action run did, against what leaked: per currency, the recoverable leaks (the last
 * revision of each UNDER_REPORTED_USAGE, UNBILLED_USAGE, MISSED_OVERAGE or RENEWAL_DRIFT anomaly,
 * final and not resolved) and their total, and the draft invoices created and theirs.
 * OVER_REPORTED_USAGE and OVERBILLED are money owed to the customer, not recoverable, and are left out.
 *
 * @param byCurrency per lower-case currency
 * @param tasks CRM tasks created
 * @param deliveries distinct webhook deliveries
 * @param steps action steps by status
 * @param tasksByRule CRM task actions (distinct action ids, whatever their last step) per policy rule
 *     that chose them, e.g. {@code upsell-task} for the UPSELL_OPPORTUNITY tasks of the demo's policy
 */
public record ActionsSummary(
        Map<String, Money> byCurrency,
        int tasks,
        int deliveries,
        Map<String, Integer> steps,
        Map<String, Integer> tasksByRule) {

    private static final String CRM_TASK = "crm_task";

    public static final List<String> RECOVERABLE_TYPES =
            List.of("UNDER_REPORTED_USAGE", "UNBILLED_USAGE", "MISSED_OVERAGE", "RENEWAL_DRIFT");

    /** One currency's figures, in minor units. */
    public record Money(int leaks, long leakedMinor, int invoices, long invoicedMinor) {
        Money plus(Money o) {
            return new Money(
                    leaks + o.leaks,
                    leakedMinor + o.leakedMinor,
                    invoices + o.invoices,
                    invoicedMinor + o.invoicedMinor);
        }
    }

    /** An invoice as the summary needs it. */
    public record Invoice(String currency, long totalMinor) {}

    public static ActionsSummary of(
            Collection<Anomaly> revisions,
            Collection<Invoice> invoices,
            int tasks,
            int deliveries,
            Collection<Action> steps) {
        Map<String, Anomaly> latest = new HashMap<>();
        for (Anomaly a : revisions) {
            latest.merge(a.getAnomalyId(), a, (x, y) -> x.getRevision() >= y.getRevision() ? x : y);
        }
        Map<String, Money> byCurrency = new TreeMap<>();
        for (Anomaly a : latest.values()) {
            if (a.getFinal$() && !"resolved".equals(a.getStatus()) && RECOVERABLE_TYPES.contains(a.getType())) {
                byCurrency.merge(a.getCurrency(), new Money(1, a.getAmountMinor(), 0, 0), Money::plus);
            }
        }
        for (Invoice i : invoices) {
            byCurrency.merge(i.currency(), new Money(0, 0, 1, i.totalMinor()), Money::plus);
        }
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, Set<String>> taskIds = new TreeMap<>();
        for (Action s : steps) {
            byStatus.merge(s.getStatus(), 1, Integer::sum);
            if (CRM_TASK.equals(s.getKind())) {
                taskIds.computeIfAbsent(s.getPolicy(), k -> new HashSet<>()).add(s.getActionId());
            }
        }
        Map<String, Integer> tasksByRule = new TreeMap<>();
        taskIds.forEach((rule, ids) -> tasksByRule.put(rule, ids.size()));
        return new ActionsSummary(byCurrency, tasks, deliveries, byStatus, tasksByRule);
    }

    /** The table a person reads after the demo. */
    public String render() {
        StringBuilder s = new StringBuilder();
        s.append("Actions: what the job would do about the leaks\n");
        s.append(String.format(
                "  %-8s %12s %16s %15s %16s %9s%n",
                "currency", "final leaks", "leaked total", "draft invoices", "invoiced total", "invoiced"));
        for (Map.Entry<String, Money> e : byCurrency.entrySet()) {
            Money m = e.getValue();
            String share = m.leakedMinor == 0
                    ? "-"
                    : BigDecimal.valueOf(m.invoicedMinor * 100)
                                    .divide(BigDecimal.valueOf(m.leakedMinor), 1, java.math.RoundingMode.HALF_UP)
                            + " %";
            s.append(String.format(
                    "  %-8s %12d %16s %15d %16s %9s%n",
                    e.getKey(), m.leaks, major(m.leakedMinor), m.invoices, major(m.invoicedMinor), share));
        }
        s.append(String.format("  CRM tasks for a person: %d", tasks));
        if (!tasksByRule.isEmpty()) {
            StringBuilder rules = new StringBuilder();
            tasksByRule.forEach((rule, n) -> rules.append(rules.isEmpty() ? "" : ", ")
                    .append(rule)
                    .append(' ')
                    .append(n));
            s.append(" (by policy rule: ").append(rules).append(')');
        }
        s.append(String.format("; webhook deliveries: %d%n", deliveries));
        s.append("  action steps: ")
                .append(steps.isEmpty() ? "none" : steps.toString().replaceAll("[{}]", ""))
                .append('\n');
        return s.toString();
    }

    private static String major(long minor) {
        return BigDecimal.valueOf(minor).movePointLeft(2).toPlainString();
    }
}
