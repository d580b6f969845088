package io.reckon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.pricing.ContractHistory;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
import io.reckon.pricing.Renewal;
import io.reckon.pricing.Tier;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contracts of the demo accounts, decoded from the very JSON lines written to contracts.jsonl,
 * so that the truth is priced from what the job reads and not from a second, hand-kept model.
 */
final class ContractBook {

    private final Map<String, ContractHistory> byAccount = new LinkedHashMap<>();

    void add(JsonNode contractJson) {
        ContractVersion v = parse(contractJson);
        byAccount.computeIfAbsent(v.accountId(), a -> new ContractHistory()).put(v);
    }

    /** The version that applies to the period starting at {@code periodStart}. */
    Optional<ContractVersion> applicable(String account, Instant periodStart) {
        ContractHistory history = byAccount.get(account);
        return history == null ? Optional.empty() : history.applicableTo(periodStart);
    }

    Optional<MeterTerms> terms(String account, String meter, Instant periodStart) {
        return applicable(account, periodStart).flatMap(v -> v.meter(meter));
    }

    long price(String account, String meter, Instant periodStart, BigDecimal quantity) {
        ContractVersion v = applicable(account, periodStart)
                .orElseThrow(() -> new IllegalStateException("no contract for " + account + " at " + periodStart));
        MeterTerms terms = v.meter(meter)
                .orElseThrow(() -> new IllegalStateException("contract of " + account + " lacks " + meter));
        return Pricer.priceMinor(v, terms, periodStart, quantity);
    }

    String currency(String account) {
        return byAccount.get(account).versions().get(0).currency();
    }

    /** Decodes one contract line of spec §1 (strings or numbers for decimals, defaults for absent fields). */
    static ContractVersion parse(JsonNode n) {
        ContractVersion.Builder b = ContractVersion.builder()
                .accountId(DemoJson.text(n, "account_id"))
                .version(n.hasNonNull("version") ? n.get("version").asInt() : null)
                .effectiveFrom(DemoJson.time(n.get("effective_from")))
                .currency(DemoJson.text(n, "currency"))
                .billingAnchorDay(
                        n.hasNonNull("billing_anchor_day")
                                ? n.get("billing_anchor_day").asInt()
                                : null)
                .stripeCustomerId(DemoJson.text(n, "stripe_customer_id"))
                .crmAccountId(DemoJson.text(n, "crm_account_id"));
        JsonNode renewal = n.get("renewal");
        if (renewal != null && !renewal.isNull()) {
            b.renewal(new Renewal(DemoJson.time(renewal.get("term_end")), decimal(renewal.get("escalator_pct"))));
        }
        for (JsonNode m : n.get("meters")) {
            JsonNode p = m.get("pricing");
            List<Tier> tiers = null;
            if (p.hasNonNull("tiers")) {
                tiers = new ArrayList<>();
                for (JsonNode t : p.get("tiers")) {
                    tiers.add(Tier.of(
                            decimal(t.get("up_to")),
                            decimal(t.get("unit_amount_decimal")),
                            t.hasNonNull("flat_amount_minor")
                                    ? t.get("flat_amount_minor").asLong()
                                    : null));
                }
            }
            b.meter(MeterTerms.builder(DemoJson.text(m, "meter"))
                    .aggregation(DemoJson.text(m, "aggregation"))
                    .includedQuantity(decimal(m.get("included_quantity")))
                    .minimumAmountMinor(
                            m.hasNonNull("minimum_amount_minor")
                                    ? m.get("minimum_amount_minor").asLong()
                                    : null)
                    .tolerancePct(decimal(m.get("tolerance_pct")))
                    .pricing(
                            DemoJson.text(p, "model"),
                            decimal(p.get("unit_amount_decimal")),
                            tiers,
                            decimal(p.get("package_size")),
                            decimal(p.get("package_amount_decimal")))
                    .build());
        }
        return b.build();
    }

    static BigDecimal decimal(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
    }
}
