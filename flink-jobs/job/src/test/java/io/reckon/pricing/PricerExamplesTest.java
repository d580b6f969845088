package io.reckon.pricing;

import static io.reckon.pricing.Fixtures.TERM_END;
import static io.reckon.pricing.Fixtures.contract;
import static io.reckon.pricing.Fixtures.d;
import static io.reckon.pricing.Fixtures.specContract;
import static io.reckon.pricing.Fixtures.specMeter;
import static io.reckon.pricing.Fixtures.terms;
import static io.reckon.pricing.Fixtures.tier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed prices; docs/pricing.md quotes these numbers. */
class PricerExamplesTest {

    private static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");

    private static long price(MeterTerms terms, String quantity) {
        return Pricer.priceMinorWithoutEscalation(terms, d(quantity));
    }

    private static BigDecimal exact(MeterTerms terms, String quantity) {
        return Pricer.exactPrice(terms, d(quantity), null);
    }

    @Test
    void perUnitPricesEveryBillableUnit() {
        MeterTerms perUnit = terms(new PerUnit(d("0.35")));
        // 1234.5 x 0.35 = 432.075 cents
        assertThat(exact(perUnit, "1234.5")).isEqualByComparingTo("432.075");
        assertThat(price(perUnit, "1234.5")).isEqualTo(432);
        assertThat(price(perUnit, "0")).isZero();
    }

    @Test
    void graduatedSpecContractPricesEachTierAtItsOwnRate() {
        // 12000 - 1000 included = 11000 billable: 10000 x 0.5 + 1000 x 0.25 = 5000 + 250
        assertThat(Pricer.priceMinor(specContract(), specMeter(), MARCH, d("12000")))
                .isEqualTo(5250);
    }

    @Test
    void graduatedQuantityExactlyOnTierBoundStaysInTheLowerTier() {
        // 11000 - 1000 = 10000 billable, all in the first tier: 10000 x 0.5
        assertThat(price(specMeter(), "11000")).isEqualTo(5000);
        // one more unit is priced at the second tier: 5000 + 0.25 = 5000.25, rounds to 5000
        assertThat(exact(specMeter(), "11001")).isEqualByComparingTo("5000.25");
        assertThat(price(specMeter(), "11001")).isEqualTo(5000);
    }

    @Test
    void graduatedAddsTheFlatAmountOfEveryTierReached() {
        MeterTerms graduated =
                terms(new Graduated(List.of(tier("100", "1", 500), tier("1000", "0.8", 200), tier(null, "0.5", 0))));
        assertThat(price(graduated, "0")).isZero();
        // 100 x 1 + 500
        assertThat(price(graduated, "100")).isEqualTo(600);
        // 600 + 0.5 x 0.8 + 200 = 800.4
        assertThat(exact(graduated, "100.5")).isEqualByComparingTo("800.4");
        assertThat(price(graduated, "100.5")).isEqualTo(800);
        // (100 x 1 + 500) + (900 x 0.8 + 200) + 1000 x 0.5 = 600 + 920 + 500
        assertThat(price(graduated, "2000")).isEqualTo(2020);
    }

    @Test
    void volumeFirstTierThatHoldsTheQuantityPricesAllUnits() {
        MeterTerms volume =
                terms(new Volume(List.of(tier("100", "2", 0), tier("1000", "1.5", 100), tier(null, "1", 0))));
        assertThat(price(volume, "0")).isZero();
        // exactly on the bound: 100 x 2
        assertThat(price(volume, "100")).isEqualTo(200);
        // 101 x 1.5 + 100 = 251.5, rounds half up to 252
        assertThat(exact(volume, "101")).isEqualByComparingTo("251.5");
        assertThat(price(volume, "101")).isEqualTo(252);
        // 5000 x 1
        assertThat(price(volume, "5000")).isEqualTo(5000);
    }

    @Test
    void volumeZeroUsagePricesZeroEvenWithAFlatAmount() {
        MeterTerms volume = terms(new Volume(List.of(tier(null, "1", 900))));
        assertThat(price(volume, "0")).isZero();
        assertThat(price(volume, "1")).isEqualTo(901);
    }

    @Test
    void volumePriceDropsWhenTheQuantityEntersACheaperTier() {
        MeterTerms volume = terms(new Volume(List.of(tier("100", "2", 0), tier(null, "1", 0))));
        assertThat(price(volume, "100")).isEqualTo(200);
        assertThat(price(volume, "101")).isEqualTo(101);
    }

    @Test
    void packageChargesEveryStartedPackage() {
        MeterTerms pack = terms(new PackagePrice(d("1000"), d("250")));
        assertThat(price(pack, "0")).isZero();
        assertThat(price(pack, "1")).isEqualTo(250);
        assertThat(price(pack, "1000")).isEqualTo(250);
        assertThat(price(pack, "1000.000000001")).isEqualTo(500);
        // ceil(2500 / 1000) = 3 packages x 250
        assertThat(price(pack, "2500")).isEqualTo(750);
    }

    @Test
    void quantityInsideTheIncludedAmountCostsNothing() {
        assertThat(price(specMeter(), "500")).isZero();
        assertThat(price(specMeter(), "1000")).isZero();
        assertThat(price(specMeter(), "1001")).isEqualTo(1); // 1 x 0.5 = 0.5 rounds up
    }

    @Test
    void zeroUsageStillPaysTheMinimum() {
        MeterTerms withMinimum = terms(new PerUnit(d("0.5")), "0", 1000);
        assertThat(price(withMinimum, "0")).isEqualTo(1000);
        // 1999 x 0.5 = 999.5 is below the minimum
        assertThat(price(withMinimum, "1999")).isEqualTo(1000);
        // 2001 x 0.5 = 1000.5 is above it, rounds half up
        assertThat(price(withMinimum, "2001")).isEqualTo(1001);
        assertThat(price(withMinimum, "3000")).isEqualTo(1500);
    }

    @Test
    void escalationStartsExactlyAtTermEnd() {
        ContractVersion contract = specContract();
        MeterTerms meter = specMeter();
        // 5250 x 1.07 = 5617.5, rounds half up to 5618
        assertThat(Pricer.exactPrice(meter, d("12000"), d("7"))).isEqualByComparingTo("5617.5");
        assertThat(Pricer.priceMinor(contract, meter, TERM_END, d("12000"))).isEqualTo(5618);
        assertThat(Pricer.priceMinor(contract, meter, TERM_END.minusMillis(1), d("12000")))
                .isEqualTo(5250);
        assertThat(Pricer.priceMinor(contract, meter, TERM_END.plusSeconds(86_400L * 31), d("12000")))
                .isEqualTo(5618);
        assertThat(Pricer.priceMinorWithoutEscalation(meter, d("12000"))).isEqualTo(5250);
    }

    @Test
    void escalationScalesFlatAndPackageAmounts() {
        MeterTerms pack = terms(new PackagePrice(d("1000"), d("250")));
        ContractVersion contract = contract(pack, new Renewal(TERM_END, d("7")));
        // 3 packages x (250 x 1.07 = 267.5) = 802.5, rounds to 803
        assertThat(Pricer.priceMinor(contract, pack, TERM_END, d("2500"))).isEqualTo(803);

        MeterTerms flatOnly = terms(new Graduated(List.of(tier(null, "0", 500))));
        // flat 500 x 1.07 = 535
        assertThat(Pricer.exactPrice(flatOnly, d("1"), d("7"))).isEqualByComparingTo("535");
        // flat 1 x 1.005 = 1.005: the escalated flat stays an exact decimal
        assertThat(Pricer.exactPrice(terms(new Graduated(List.of(tier(null, "0", 1)))), d("1"), d("0.5")))
                .isEqualByComparingTo("1.005");
    }

    @Test
    void aNegativeEscalatorIsARenewalAtADiscount() {
        ContractVersion contract = contract(specMeter(), new Renewal(TERM_END, d("-5")));
        // 5250 x 0.95 = 4987.5, rounds half up to 4988
        assertThat(Pricer.priceMinor(contract, specMeter(), TERM_END, d("12000")))
                .isEqualTo(4988);
        assertThat(Pricer.priceMinor(contract, specMeter(), TERM_END.minusMillis(1), d("12000")))
                .isEqualTo(5250);
        MeterTerms withMinimum = terms(new PerUnit(d("0.5")), "0", 1000);
        // 2000 x 0.5 x 0.95 = 950 is below the minimum, which is not lowered either
        assertThat(Pricer.priceMinor(
                        contract(withMinimum, new Renewal(TERM_END, d("-5"))), withMinimum, TERM_END, d("2000")))
                .isEqualTo(1000);
    }

    @Test
    void escalationDoesNotRaiseTheMinimum() {
        MeterTerms withMinimum = terms(new PerUnit(d("0.5")), "0", 1000);
        ContractVersion contract = contract(withMinimum, new Renewal(TERM_END, d("7")));
        assertThat(Pricer.priceMinor(contract, withMinimum, TERM_END, d("0"))).isEqualTo(1000);
        // 2000 x 0.5 x 1.07 = 1070
        assertThat(Pricer.priceMinor(contract, withMinimum, TERM_END, d("2000")))
                .isEqualTo(1070);
    }

    @Test
    void roundsHalfUpOnceAtTheEnd() {
        MeterTerms half = terms(new PerUnit(d("0.5")));
        assertThat(price(half, "3")).isEqualTo(2); // 1.5
        assertThat(price(half, "5")).isEqualTo(3); // 2.5: half up, not half even
        assertThat(price(half, "0.98")).isEqualTo(0); // 0.49
        // Rounding once: 3 tiers of 0.4 cents each would give 0 + 0 + 0 if each were rounded.
        MeterTerms graduated =
                terms(new Graduated(List.of(tier("1", "0.4", 0), tier("2", "0.4", 0), tier(null, "0.4", 0))));
        assertThat(price(graduated, "3")).isEqualTo(1); // 1.2
        assertThat(Pricer.toMinor(d("1234.5"))).isEqualTo(1235);
        assertThat(Pricer.toMinor(d("1234.4999999999"))).isEqualTo(1234);
    }

    @Test
    void fractionalQuantitiesArePricedExactly() {
        MeterTerms perUnit = terms(new PerUnit(d("2")));
        assertThat(exact(perUnit, "0.000000001")).isEqualByComparingTo("0.000000002");
        assertThat(price(perUnit, "0.000000001")).isZero();
        MeterTerms graduated = terms(new Graduated(List.of(tier("10.5", "1", 0), tier(null, "0.5", 0))));
        // 10.5 x 1 + 0.25 x 0.5 = 10.625
        assertThat(exact(graduated, "10.75")).isEqualByComparingTo("10.625");
        assertThat(price(graduated, "10.75")).isEqualTo(11);
    }

    @Test
    void oneQuadrillionUnitsDoNotOverflow() {
        assertThat(price(terms(new PerUnit(d("0.5"))), "1000000000000000")).isEqualTo(500_000_000_000_000L);
        // (1e15 - 1000) billable: 10000 x 0.5 + (1e15 - 11000) x 0.25
        assertThat(price(specMeter(), "1000000000000000")).isEqualTo(250_000_000_002_250L);
        // x 1.07 = 267500000002407.5
        assertThat(Pricer.priceMinor(specContract(), specMeter(), TERM_END, d("1000000000000000")))
                .isEqualTo(267_500_000_002_408L);
    }

    @Test
    void twelveDigitPricesArePricedExactly() {
        MeterTerms perUnit = terms(new PerUnit(d("0.123456789012")));
        assertThat(exact(perUnit, "1000000.5")).isEqualByComparingTo("123456.850740394506");
        assertThat(price(perUnit, "1000000.5")).isEqualTo(123457);
        MeterTerms tiny = terms(new PerUnit(d("0.000000000001")));
        assertThat(price(tiny, "1000000000000000")).isEqualTo(1000);
    }

    @Test
    void priceBeyondALongFailsInsteadOfWrapping() {
        MeterTerms expensive = terms(new PerUnit(d("1000000")));
        assertThatThrownBy(() -> price(expensive, "100000000000000"))
                .isInstanceOf(ArithmeticException.class)
                .hasMessage("price 100000000000000000000 minor units does not fit in a long");
    }
}
