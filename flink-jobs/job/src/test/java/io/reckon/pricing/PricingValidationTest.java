package io.reckon.pricing;

import static io.reckon.pricing.Fixtures.JAN_1;
import static io.reckon.pricing.Fixtures.d;
import static io.reckon.pricing.Fixtures.specMeter;
import static io.reckon.pricing.Fixtures.terms;
import static io.reckon.pricing.Fixtures.tier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class PricingValidationTest {

    private static void rejects(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(PricingValidationException.class).hasMessage(message);
    }

    private static MeterTerms graduatedMeter(Tier... tiers) {
        return MeterTerms.builder("api_calls")
                .pricing("graduated", null, Arrays.asList(tiers), null, null)
                .build();
    }

    private static ContractVersion.Builder contract() {
        return ContractVersion.builder()
                .accountId("acct_1")
                .version(1)
                .effectiveFrom(JAN_1)
                .currency("usd")
                .meter(specMeter());
    }

    @Test
    void tiersMustAscendStrictly() {
        rejects(
                () -> graduatedMeter(tier("1000", "1", 0), tier("500", "0.5", 0), tier(null, "0.1", 0)),
                "meters[api_calls].pricing.tiers[1].up_to 500 is not above the previous up_to 1000");
        rejects(
                () -> new Volume(List.of(tier("1000", "1", 0), tier("1000.0", "0.5", 0), tier(null, "0.1", 0))),
                "pricing.tiers[1].up_to 1000 is not above the previous up_to 1000");
    }

    @Test
    void exceptionSplitsFieldAndProblem() {
        PricingValidationException e = org.junit.jupiter.api.Assertions.assertThrows(
                PricingValidationException.class,
                () -> graduatedMeter(tier("1000", "1", 0), tier("500", "0.5", 0), tier(null, "0.1", 0)));
        assertThat(e.field()).isEqualTo("meters[api_calls].pricing.tiers[1].up_to");
        assertThat(e.problem()).isEqualTo("500 is not above the previous up_to 1000");
    }

    @Test
    void noTierMayFollowAnOpenEndedTier() {
        rejects(
                () -> graduatedMeter(tier(null, "1", 0), tier(null, "0.5", 0)),
                "meters[api_calls].pricing.tiers[1] follows the open-ended tier pricing.tiers[0] (up_to null)");
    }

    @Test
    void tiersMustNotBeEmptyOrMissing() {
        rejects(() -> graduatedMeter(), "meters[api_calls].pricing.tiers must list at least one tier");
        rejects(() -> new Volume(null), "pricing.tiers is missing");
        rejects(() -> new Graduated(Arrays.asList(tier("1", "1", 0), null)), "pricing.tiers[1] is missing");
    }

    @Test
    void lastTierMustBeOpenEndedAsInStripe() {
        rejects(
                () -> graduatedMeter(tier("1000", "1", 0), tier("5000", "0.5", 0)),
                "meters[api_calls].pricing.tiers[1].up_to 5000 must be null: the last tier is open-ended"
                        + " (as Stripe's up_to inf), so that every quantity has a price");
    }

    @Test
    void firstUpToMustBeAboveZero() {
        rejects(
                () -> new Graduated(List.of(tier("0", "1", 0), tier(null, "1", 0))),
                "pricing.tiers[0].up_to 0 must be above 0");
    }

    @Test
    void pricesAndFlatAmountsMustNotBeNegative() {
        rejects(
                () -> graduatedMeter(tier("10", "-0.5", 0), tier(null, "1", 0)),
                "meters[api_calls].pricing.tiers[0].unit_amount_decimal -0.5 is negative");
        rejects(
                () -> graduatedMeter(tier("10", "0.5", 0), tier(null, "1", -1)),
                "meters[api_calls].pricing.tiers[1].flat_amount_minor -1 is negative");
        rejects(() -> new PerUnit(d("-1")), "pricing.unit_amount_decimal -1 is negative");
        rejects(() -> new PerUnit(null), "pricing.unit_amount_decimal is missing");
        rejects(
                () -> new Graduated(List.of(new Tier(null, null, 0))),
                "pricing.tiers[0].unit_amount_decimal is missing");
        rejects(() -> new PackagePrice(d("10"), d("-250")), "pricing.package_amount_decimal -250 is negative");
    }

    @Test
    void packageSizeMustBeAboveZero() {
        rejects(() -> new PackagePrice(d("0"), d("250")), "pricing.package_size 0 must be above 0");
        rejects(() -> new PackagePrice(d("-10"), d("250")), "pricing.package_size -10 must be above 0");
        rejects(
                () -> MeterTerms.builder("storage")
                        .pricing("package", null, null, null, d("1"))
                        .build(),
                "meters[storage].pricing.package_size is missing");
    }

    @Test
    void unknownModelIsRejected() {
        rejects(
                () -> MeterTerms.builder("api_calls")
                        .pricing("tiered", d("1"), null, null, null)
                        .build(),
                "meters[api_calls].pricing.model 'tiered' is not one of per_unit, graduated, volume, package");
        rejects(() -> PriceModel.of(null, d("1"), null, null, null), "pricing.model is missing");
        assertThat(PriceModel.of("PER_UNIT", d("1"), null, null, null)).isEqualTo(new PerUnit(d("1")));
    }

    @Test
    void meterAmountsMustNotBeNegative() {
        PerUnit model = new PerUnit(d("1"));
        rejects(
                () -> MeterTerms.of("api_calls", null, d("-1"), null, null, model),
                "meters[api_calls].included_quantity -1 is negative");
        rejects(
                () -> MeterTerms.of("api_calls", null, null, -5L, null, model),
                "meters[api_calls].minimum_amount_minor -5 is negative");
        rejects(
                () -> MeterTerms.of("api_calls", null, null, null, d("-0.1"), model),
                "meters[api_calls].tolerance_pct -0.1 is negative");
        rejects(() -> MeterTerms.of("api_calls", null, null, null, null, null), "meters[api_calls].pricing is missing");
        rejects(() -> MeterTerms.of(" ", null, null, null, null, model), "meters[].meter is missing");
    }

    @Test
    void anEscalatorMayLowerPricesButNotBelowZero() {
        assertThat(new Renewal(Fixtures.TERM_END, d("-100")).multiplier()).isEqualByComparingTo("0");
        rejects(
                () -> new Renewal(Fixtures.TERM_END, d("-100.5")),
                "renewal.escalator_pct -100.5 is below -100: the escalated prices would be negative");
        rejects(() -> new Renewal(null, d("2")), "renewal.term_end is missing");
        rejects(
                () -> Pricer.exactPrice(specMeter(), d("1"), d("-101")),
                "escalator_pct -101 is below -100: the escalated prices would be negative");
    }

    @Test
    void unknownAggregationIsRejected() {
        rejects(
                () -> MeterTerms.builder("api_calls")
                        .aggregation("avg")
                        .pricing(new PerUnit(d("1")))
                        .build(),
                "meters[api_calls].aggregation 'avg' is not one of sum, count, max");
    }

    @Test
    void aLongValueIsCutInTheReasonSoItsEndStillSaysWhatIsAllowed() {
        String x64 = "x".repeat(64);
        rejects(
                () -> MeterTerms.builder("api_calls")
                        .aggregation("x".repeat(5000))
                        .pricing(new PerUnit(d("1")))
                        .build(),
                "meters[api_calls].aggregation '" + x64 + "\u2026 (5000 characters)' is not one of sum, count, max");
        rejects(
                () -> contract().currency("u".repeat(5000)).build(),
                "currency '" + "u".repeat(64)
                        + "\u2026 (5000 characters)' is not a 3-letter ISO 4217 code such as usd");
        rejects(
                () -> PriceModel.of("m".repeat(100), null, null, null, null),
                "pricing.model '" + "m".repeat(64)
                        + "\u2026 (100 characters)' is not one of per_unit, graduated, volume, package");
    }

    @Test
    void tooManyFractionalDigitsAreRejected() {
        rejects(
                () -> new PerUnit(d("0.0000000000001")),
                "pricing.unit_amount_decimal 0.0000000000001 has more than 12 fractional digits");
        rejects(
                () -> MeterTerms.of("api_calls", null, d("0.0000000001"), null, null, new PerUnit(d("1"))),
                "meters[api_calls].included_quantity 0.0000000001 has more than 9 fractional digits");
        rejects(
                () -> new Graduated(List.of(tier("0.0000000001", "1", 0), tier(null, "1", 0))),
                "pricing.tiers[0].up_to 0.0000000001 has more than 9 fractional digits");
        // trailing zeros are not digits: Avro decimals carry a fixed scale
        assertThat(new PerUnit(d("0.500000000000000")).unitAmountDecimal()).isEqualByComparingTo("0.5");
    }

    @Test
    void anchorDayMustBeOneToTwentyEight() {
        rejects(() -> contract().billingAnchorDay(0).build(), "billing_anchor_day 0 is outside 1..28");
        rejects(() -> contract().billingAnchorDay(29).build(), "billing_anchor_day 29 is outside 1..28");
        rejects(() -> BillingPeriod.containing(JAN_1, 31), "billing_anchor_day 31 is outside 1..28");
        assertThat(contract().billingAnchorDay(28).build().billingAnchorDay()).isEqualTo(28);
    }

    @Test
    void currencyMustBeAThreeLetterCodeAndIsNormalisedToLowerCase() {
        rejects(() -> contract().currency("us").build(), "currency 'us' is not a 3-letter ISO 4217 code such as usd");
        rejects(
                () -> contract().currency("usdd").build(),
                "currency 'usdd' is not a 3-letter ISO 4217 code such as usd");
        rejects(() -> contract().currency("u$d").build(), "currency 'u$d' is not a 3-letter ISO 4217 code such as usd");
        rejects(() -> contract().currency(null).build(), "currency is missing");
        assertThat(contract().currency("EUR").build().currency()).isEqualTo("eur");
    }

    @Test
    void contractRequiresItsIdentityFields() {
        rejects(() -> contract().accountId(null).build(), "account_id is missing");
        rejects(() -> contract().version(null).build(), "version is missing");
        rejects(() -> contract().version(-1).build(), "version -1 is negative");
        rejects(() -> contract().effectiveFrom(null).build(), "effective_from is missing");
    }

    @Test
    void aMeterIsListedAtMostOnce() {
        rejects(() -> contract().meter(specMeter()).build(), "meters[api_calls] is listed twice");
    }

    @Test
    void negativeQuantityCannotBePriced() {
        rejects(() -> Pricer.priceMinorWithoutEscalation(specMeter(), d("-1")), "quantity -1 is negative");
        rejects(() -> Pricer.exactPrice(specMeter(), null, null), "quantity is missing");
    }

    @Test
    void absentOptionalFieldsTakeTheSpecDefaults() {
        MeterTerms terms = MeterTerms.of("api_calls", null, null, null, null, new PerUnit(d("1")));
        assertThat(terms.aggregation()).isEqualTo(Aggregation.SUM);
        assertThat(terms.includedQuantity()).isEqualByComparingTo("0");
        assertThat(terms.minimumAmountMinor()).isZero();
        assertThat(terms.tolerancePct()).isEqualByComparingTo("0.5");
        assertThat(Tier.of(null, d("1"), null).flatAmountMinor()).isZero();
        ContractVersion v = ContractVersion.builder()
                .accountId("acct_1")
                .version(1)
                .effectiveFrom(JAN_1)
                .currency("usd")
                .meter(terms)
                .build();
        assertThat(v.billingAnchorDay()).isEqualTo(1);
        assertThat(v.renewal()).isNull();
        assertThat(v.stripeCustomerId()).isNull();
        assertThat(v.escalatedFor(Instant.MAX)).isFalse();
    }

    @Test
    void contractListsAreImmutableCopies() {
        List<MeterTerms> meters = new java.util.ArrayList<>(List.of(specMeter()));
        ContractVersion v = new ContractVersion("acct_1", 1, JAN_1, "usd", 1, null, null, null, meters);
        meters.clear();
        assertThat(v.meters()).hasSize(1);
        assertThat(v.meter("api_calls")).contains(specMeter());
        assertThat(v.meter("storage")).isEmpty();
        assertThatThrownBy(() -> v.meters().add(terms(new PerUnit(BigDecimal.ONE))))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
