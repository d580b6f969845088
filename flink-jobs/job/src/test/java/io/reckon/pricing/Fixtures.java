package io.reckon.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Short ways to write contract terms in tests. */
final class Fixtures {

    static final Instant JAN_1 = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant TERM_END = Instant.parse("2026-07-01T00:00:00Z");

    private Fixtures() {}

    static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    static Tier tier(String upTo, String unit, long flat) {
        return new Tier(upTo == null ? null : d(upTo), d(unit), flat);
    }

    static MeterTerms terms(PriceModel model) {
        return MeterTerms.builder("api_calls").pricing(model).build();
    }

    static MeterTerms terms(PriceModel model, String included, long minimum) {
        return MeterTerms.builder("api_calls")
                .includedQuantity(d(included))
                .minimumAmountMinor(minimum)
                .pricing(model)
                .build();
    }

    /** The meter of the spec's example: graduated 0.5 up to 10000, then 0.25; 1000 included. */
    static MeterTerms specMeter() {
        return MeterTerms.builder("api_calls")
                .aggregation("sum")
                .includedQuantity(d("1000"))
                .minimumAmountMinor(0L)
                .tolerancePct(d("0.5"))
                .pricing("graduated", null, List.of(tier("10000", "0.5", 0), tier(null, "0.25", 0)), null, null)
                .build();
    }

    /** The spec's example contract: version 2 from 2026-01-01, +7 % from 2026-07-01. */
    static ContractVersion specContract() {
        return ContractVersion.builder()
                .accountId("acct_1")
                .version(2)
                .effectiveFrom(JAN_1)
                .currency("usd")
                .billingAnchorDay(1)
                .stripeCustomerId("cus_1")
                .crmAccountId("crm_1")
                .renewal(new Renewal(TERM_END, d("7")))
                .meter(specMeter())
                .build();
    }

    static ContractVersion contract(MeterTerms terms, Renewal renewal) {
        return ContractVersion.builder()
                .accountId("acct_1")
                .version(1)
                .effectiveFrom(JAN_1)
                .currency("usd")
                .renewal(renewal)
                .meter(terms)
                .build();
    }
}
