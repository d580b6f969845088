package io.reckon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.demo.DemoWorkload.TruthEntry;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.MeterTerms;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * UPSELL_OPPORTUNITY cases (customers who outgrew their plan, and near misses) and the workload's
 * truth of every opportunity, its own or placed.
 */
final class UpsellCases extends WorkloadDraft {

    UpsellCases(WorkloadDraft draft) {
        super(draft);
    }

    /** Positive upsell cases: both judged periods at least this many times the allowance. */
    private static final BigDecimal UPSELL_CLEAR = new BigDecimal("1.6");

    /** Near misses: every period at most this many times the allowance, under the 20 % margin. */
    private static final BigDecimal UPSELL_NEAR = new BigDecimal("1.12");

    /**
     * Upsell cases, placed last with a Random of their own so that every other injection, and the
     * random stream the rendering draws from, stays as it was: on clean accounts (no leak, signal,
     * late record or invoice noise, one contract version, billed from the 1st, no minimum amount) a
     * meter's included quantity is set below the key's usage. A positive case puts it at most 1/1.6 of
     * the key's usage in each of the last two periods (the customer outgrew a small plan); a near miss
     * just under the usage of every period, so that each exceeds it by less than the margin (a
     * customer at the edge of the plan, no opportunity). The usage itself is not touched: the key's
     * hours, reports and signals stay as generated; its invoices are priced again with the new plan.
     */
    void injectUpsellCases() {
        Random upsellRng = new Random(o.seed() * 31 + 7);
        List<Profile> shuffled = new ArrayList<>(profiles);
        Collections.shuffle(shuffled, upsellRng);
        int wanted = o.leaksPerType();
        long positives = 0;
        long nearMisses = 0;
        int meterTurn = 0;
        for (Profile p : shuffled) {
            if (positives >= wanted && nearMisses >= wanted) {
                break;
            }
            if (!cleanForUpsell(p)) {
                continue;
            }
            List<BillingPeriod> periods = fullPeriods(p);
            if (periods.size() < 2) {
                continue;
            }
            String meter = o.meters().get(meterTurn++ % o.meters().size());
            boolean positive = positives < wanted && (nearMisses >= wanted || (positives + nearMisses) % 2 == 0);
            Key key = new Key(p.id(), meter);
            MeterTerms terms = book.terms(p.id(), meter, periods.get(0).start()).orElse(null);
            if (terms == null || terms.minimumAmountMinor() > 0) {
                continue;
            }
            List<BigDecimal> quantities = new ArrayList<>();
            for (BillingPeriod period : periods) {
                quantities.add(aggregate(terms.aggregation(), timed(usage.get(key), period)));
            }
            List<BigDecimal> lastTwo = quantities.subList(quantities.size() - 2, quantities.size());
            BigDecimal low = lastTwo.stream().min(BigDecimal::compareTo).orElseThrow();
            BigDecimal included;
            if (positive) {
                included = low.divide(UPSELL_CLEAR, 0, RoundingMode.DOWN);
            } else {
                BigDecimal high = quantities.stream().max(BigDecimal::compareTo).orElseThrow();
                included = high.divide(UPSELL_NEAR, 0, RoundingMode.UP);
                if (low.compareTo(included) <= 0) {
                    continue; // not above the plan in both periods: no near miss to show
                }
            }
            if (included.compareTo(BigDecimal.TEN) < 0) {
                continue; // too little usage to make a plan of
            }
            setIncluded(p, meter, included);
            stats.merge(positive ? "upsell_cases" : "upsell_near_misses", 1L, Long::sum);
            upsellCases.put(key, positive ? "outgrown_plan" : "near_miss");
            if (positive) {
                positives++;
            } else {
                nearMisses++;
            }
        }
        stats.putIfAbsent("upsell_cases", 0L);
        stats.putIfAbsent("upsell_near_misses", 0L);
    }

    private boolean cleanForUpsell(Profile p) {
        if (p.anchorDay() != 1
                || leakAccounts.contains(p.id())
                || lateAccounts.contains(p.id())
                || upsellCases.keySet().stream().anyMatch(k -> k.account().equals(p.id()))) {
            return false;
        }
        if (touchedKeys.stream().anyMatch(k -> k.account().equals(p.id()))) {
            return false;
        }
        return contracts.stream()
                        .filter(c -> c.get("account_id").asText().equals(p.id()))
                        .count()
                == 1;
    }

    /** Sets a meter's included quantity in the account's one contract, and prices its invoices again. */
    private void setIncluded(Profile p, String meter, BigDecimal included) {
        ObjectNode contract = contracts.stream()
                .filter(c -> c.get("account_id").asText().equals(p.id()))
                .findFirst()
                .orElseThrow();
        for (JsonNode m : contract.get("meters")) {
            if (m.get("meter").asText().equals(meter)) {
                ((ObjectNode) m).put("included_quantity", included.toPlainString());
            }
        }
        // The book holds the decoded contracts; the changed version replaces the old one.
        book.add(contract);
        for (Map.Entry<BilledKey, List<InvoiceRecord>> e : invoicePlan.entrySet()) {
            BilledKey key = e.getKey();
            if (key.account().equals(p.id()) && key.meter().equals(meter)) {
                BigDecimal reported = reportedQuantity(key);
                long amount = book.price(p.id(), meter, key.period().start(), reported);
                e.setValue(new ArrayList<>(List.of(baseLine(key, reported, amount))));
            }
        }
    }

    /**
     * The UPSELL_OPPORTUNITY truth: every (account, meter, period) of the workload that meets the rule
     * ({@link UpsellTruth}), the placed cases and the keys whose own usage outgrew their plan alike,
     * from the usage generated and the contracts written.
     */
    void addUpsellTruth() {
        long organic = 0;
        for (Profile p : profiles) {
            for (String meter : o.meters()) {
                Key key = new Key(p.id(), meter);
                for (BillingPeriod period = BillingPeriod.containing(rangeStart, p.anchorDay());
                        period.start().isBefore(rangeEnd);
                        period = period.next()) {
                    UpsellTruth.Judgement j = UpsellTruth.judge(
                                    book, p.id(), meter, period, usage.get(key), UpsellTruth.DEFAULT_MARGIN_PCT)
                            .orElse(null);
                    if (j == null || !j.opportunity()) {
                        continue;
                    }
                    TruthEntry t = UpsellTruth.entry(p.id(), meter, j, book.currency(p.id()));
                    truth.add(t);
                    String method = upsellCases.getOrDefault(key, "organic");
                    organic += method.equals("organic") ? 1 : 0;
                    ObjectNode detail = DemoJson.MAPPER.createObjectNode();
                    detail.put("period_end", period.end().toString());
                    detail.put("method", method);
                    detail.put("actual_quantity", j.quantity().toPlainString());
                    detail.put("previous_quantity", j.previousQuantity().toPlainString());
                    detail.put("allowance", j.allowance().toPlainString());
                    detail.put("margin_pct", UpsellTruth.DEFAULT_MARGIN_PCT);
                    truthDetails.put(t, detail);
                }
            }
        }
        stats.put("upsell_organic", organic);
    }
}
