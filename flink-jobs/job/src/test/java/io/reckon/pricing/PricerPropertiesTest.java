package io.reckon.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Laws every price obeys, checked on generated contracts and quantities. */
class PricerPropertiesTest {

    private static final Instant PERIOD = Instant.parse("2026-03-01T00:00:00Z");

    // ---- generators -------------------------------------------------------------------------

    static Arbitrary<BigDecimal> quantities() {
        return Arbitraries.oneOf(
                Arbitraries.bigDecimals()
                        .between(BigDecimal.ZERO, new BigDecimal("100000"))
                        .ofScale(9),
                Arbitraries.bigDecimals()
                        .between(BigDecimal.ZERO, new BigDecimal("100000"))
                        .ofScale(0),
                Arbitraries.bigDecimals()
                        .between(BigDecimal.ZERO, new BigDecimal("1000000000000000"))
                        .ofScale(3));
    }

    static Arbitrary<BigDecimal> prices() {
        return Arbitraries.bigDecimals()
                .between(BigDecimal.ZERO, new BigDecimal("1000"))
                .ofScale(12);
    }

    static Arbitrary<Long> flats() {
        return Arbitraries.longs().between(0, 10_000);
    }

    /** 1 to 4 tiers with strictly ascending bounds (whole or fractional) and an open last tier. */
    static Arbitrary<List<Tier>> tiers(boolean nonDecreasingPrices) {
        Arbitrary<BigDecimal> widths = Arbitraries.oneOf(
                Arbitraries.bigDecimals()
                        .between(new BigDecimal("1"), new BigDecimal("5000"))
                        .ofScale(0),
                Arbitraries.bigDecimals()
                        .between(new BigDecimal("0.000000001"), new BigDecimal("5000"))
                        .ofScale(9));
        return Arbitraries.integers().between(1, 4).flatMap(n -> Combinators.combine(
                        widths.list().ofSize(n - 1),
                        prices().list().ofSize(n),
                        flats().list().ofSize(n))
                .as((w, p, f) -> {
                    List<BigDecimal> unit = new ArrayList<>(p);
                    List<Long> flat = new ArrayList<>(f);
                    if (nonDecreasingPrices) {
                        Collections.sort(unit);
                        Collections.sort(flat);
                    }
                    List<Tier> tiers = new ArrayList<>();
                    BigDecimal upTo = BigDecimal.ZERO;
                    for (int i = 0; i < n; i++) {
                        BigDecimal bound = null;
                        if (i < n - 1) {
                            upTo = upTo.add(w.get(i));
                            bound = upTo;
                        }
                        tiers.add(new Tier(bound, unit.get(i), flat.get(i)));
                    }
                    return tiers;
                }));
    }

    static Arbitrary<PriceModel> monotoneModels() {
        return Arbitraries.oneOf(
                prices().map(PerUnit::new),
                tiers(false).map(Graduated::new),
                // Volume pricing is monotone only when no later tier is cheaper (see PricerExamplesTest).
                tiers(true).map(Volume::new),
                Combinators.combine(
                                Arbitraries.bigDecimals()
                                        .between(new BigDecimal("0.001"), new BigDecimal("10000"))
                                        .ofScale(3),
                                prices())
                        .as(PackagePrice::new));
    }

    static Arbitrary<MeterTerms> monotoneTerms() {
        return Combinators.combine(
                        monotoneModels(),
                        Arbitraries.bigDecimals()
                                .between(BigDecimal.ZERO, new BigDecimal("2000"))
                                .ofScale(9),
                        Arbitraries.longs().between(0, 50_000))
                .as((model, included, minimum) -> MeterTerms.builder("api_calls")
                        .includedQuantity(included)
                        .minimumAmountMinor(minimum)
                        .pricing(model)
                        .build());
    }

    @Provide
    Arbitrary<MeterTerms> terms() {
        return monotoneTerms();
    }

    @Provide
    Arbitrary<BigDecimal> quantity() {
        return quantities();
    }

    @Provide
    Arbitrary<BigDecimal> escalator() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.bigDecimals()
                        .between(BigDecimal.ZERO, new BigDecimal("50"))
                        .ofScale(3));
    }

    @Provide
    Arbitrary<List<Tier>> anyTiers() {
        return tiers(false);
    }

    @Provide
    Arbitrary<BigDecimal> price() {
        return prices();
    }

    @Provide
    Arbitrary<List<BigDecimal>> records() {
        // up to 30 records of at most 1e12 units, so that their sum priced at 1000 still fits a long
        return Arbitraries.oneOf(
                        Arbitraries.bigDecimals()
                                .between(BigDecimal.ZERO, new BigDecimal("1000000000000"))
                                .ofScale(9),
                        Arbitraries.bigDecimals()
                                .between(BigDecimal.ZERO, new BigDecimal("100"))
                                .ofScale(0))
                .list()
                .ofMaxSize(30);
    }

    // ---- properties -------------------------------------------------------------------------

    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    /**
     * The generators combine quantities up to 1e15 with prices up to 10,000 minor units, so some
     * samples are worth more than a long holds; the engine refuses those with an exception (see
     * PricerExamplesTest), and a property about rounded amounts only speaks of the others.
     */
    private static void assumeFitsInMinorUnits(BigDecimal exact) {
        Assume.that(exact.compareTo(LONG_MAX) < 0);
    }

    @Property
    void priceNeverDecreasesWhenTheQuantityGrows(
            @ForAll("terms") MeterTerms terms,
            @ForAll("quantity") BigDecimal q,
            @ForAll("quantity") BigDecimal more,
            @ForAll("escalator") BigDecimal escalator) {
        BigDecimal lower = Pricer.exactPrice(terms, q, escalator);
        BigDecimal higher = Pricer.exactPrice(terms, q.add(more), escalator);
        assertThat(higher).isGreaterThanOrEqualTo(lower);
        assumeFitsInMinorUnits(higher);
        assertThat(Pricer.toMinor(higher)).isGreaterThanOrEqualTo(Pricer.toMinor(lower));
    }

    @Property
    void graduatedEqualsItsTiersPricedOneByOne(@ForAll("anyTiers") List<Tier> tiers, @ForAll("quantity") BigDecimal q) {
        // Random quantities rarely land on a bound, so every bound and its neighbours are checked too.
        List<BigDecimal> quantities = new ArrayList<>(List.of(q, BigDecimal.ZERO));
        for (Tier tier : tiers) {
            if (!tier.openEnded()) {
                quantities.add(tier.upTo());
                quantities.add(tier.upTo().add(new BigDecimal("0.000000001")));
                quantities.add(tier.upTo().subtract(new BigDecimal("0.000000001")));
            }
        }
        Graduated graduated = new Graduated(tiers);
        for (BigDecimal billable : quantities) {
            assertThat(graduated.exactAmount(billable))
                    .as("billable %s", billable)
                    .isEqualByComparingTo(tierByTier(tiers, billable));
        }
    }

    private static BigDecimal tierByTier(List<Tier> tiers, BigDecimal billable) {
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal lower = BigDecimal.ZERO;
        for (Tier tier : tiers) {
            // The slice of the quantity that falls in (lower, upTo], priced as its own per-unit meter.
            BigDecimal upper = tier.openEnded() ? billable.max(lower) : tier.upTo();
            BigDecimal slice = billable.min(upper).subtract(lower).max(BigDecimal.ZERO);
            sum = sum.add(Pricer.exactPrice(Fixtures.terms(new PerUnit(tier.unitAmountDecimal())), slice, null));
            if (billable.compareTo(lower) > 0) {
                sum = sum.add(BigDecimal.valueOf(tier.flatAmountMinor()));
            }
            lower = upper;
        }
        return sum;
    }

    @Property
    void volumeWithOneOpenTierEqualsPerUnit(
            @ForAll("price") BigDecimal unit, @ForAll("quantity") BigDecimal q, @ForAll("escalator") BigDecimal pct) {
        MeterTerms volume = Fixtures.terms(new Volume(List.of(new Tier(null, unit, 0))), "100", 0);
        MeterTerms perUnit = Fixtures.terms(new PerUnit(unit), "100", 0);
        assertThat(Pricer.exactPrice(volume, q, pct)).isEqualByComparingTo(Pricer.exactPrice(perUnit, q, pct));
    }

    @Property
    void priceDoesNotDependOnTheOrderOfRecords(
            @ForAll("records") List<BigDecimal> records, @ForAll("terms") MeterTerms terms, @ForAll Random random) {
        List<BigDecimal> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, random);
        for (Aggregation aggregation : Aggregation.values()) {
            BigDecimal inOrder = aggregation.aggregate(records);
            BigDecimal reordered = aggregation.aggregate(shuffled);
            assertThat(reordered).isEqualByComparingTo(inOrder);
            assumeFitsInMinorUnits(Pricer.exactPrice(terms, inOrder, null));
            assertThat(Pricer.priceMinorWithoutEscalation(terms, reordered))
                    .isEqualTo(Pricer.priceMinorWithoutEscalation(terms, inOrder));
        }
    }

    @Property
    void aggregationsMatchTheirDefinitions(@ForAll("records") List<BigDecimal> records) {
        assertThat(Aggregation.SUM.aggregate(records))
                .isEqualByComparingTo(records.stream().reduce(BigDecimal.ZERO, BigDecimal::add));
        assertThat(Aggregation.COUNT.aggregate(records)).isEqualByComparingTo(BigDecimal.valueOf(records.size()));
        assertThat(Aggregation.MAX.aggregate(records))
                .isEqualByComparingTo(
                        records.stream().max(Comparator.naturalOrder()).orElse(BigDecimal.ZERO));
    }

    @Property
    void packagePriceIsAWholeNumberOfPackages(
            @ForAll("quantity") BigDecimal billable,
            @ForAll("price") BigDecimal amount,
            @ForAll("escalator") BigDecimal pct) {
        PackagePrice pack = new PackagePrice(new BigDecimal("250.5"), amount);
        BigDecimal packages = pack.packages(billable);
        // the fewest whole packages that hold every billable unit
        assertThat(packages.stripTrailingZeros().scale()).isLessThanOrEqualTo(0);
        assertThat(packages.multiply(pack.packageSize())).isGreaterThanOrEqualTo(billable);
        if (packages.signum() > 0) {
            assertThat(packages.subtract(BigDecimal.ONE).multiply(pack.packageSize()))
                    .isLessThan(billable);
        }
        BigDecimal price = Pricer.exactPrice(Fixtures.terms(pack), billable, pct);
        BigDecimal packageAmount = pct == null ? amount : amount.multiply(new Renewal(PERIOD, pct).multiplier());
        if (packageAmount.signum() > 0) {
            assertThat(price.remainder(packageAmount)).isEqualByComparingTo("0");
        }
        assertThat(price).isEqualByComparingTo(packages.multiply(packageAmount));
    }

    @Property
    void includedQuantityShiftsThePriceCurve(@ForAll("terms") MeterTerms terms, @ForAll("quantity") BigDecimal q) {
        MeterTerms none = MeterTerms.builder("api_calls")
                .minimumAmountMinor(terms.minimumAmountMinor())
                .pricing(terms.pricing())
                .build();
        assertThat(Pricer.exactPrice(terms, q.add(terms.includedQuantity()), null))
                .isEqualByComparingTo(Pricer.exactPrice(none, q, null));
    }

    @Property
    void escalationEqualsPricingWithRaisedUnitPrices(
            @ForAll("quantity") BigDecimal q,
            @ForAll("anyTiers") List<Tier> tiers,
            @ForAll("escalator") BigDecimal pct) {
        BigDecimal multiplier = pct == null ? BigDecimal.ONE : new Renewal(PERIOD, pct).multiplier();
        // Raise each unit price by hand; flats only where the raised flat is still whole minor units.
        List<Tier> rounded = new ArrayList<>();
        List<Tier> raised = new ArrayList<>();
        for (Tier tier : tiers) {
            BigDecimal unit = tier.unitAmountDecimal().setScale(6, RoundingMode.DOWN);
            // escalators have 3 decimals, so a multiple of 100000 stays whole after escalation
            long flat = tier.flatAmountMinor() * 100_000;
            rounded.add(new Tier(tier.upTo(), unit, flat));
            raised.add(new Tier(
                    tier.upTo(),
                    unit.multiply(multiplier),
                    BigDecimal.valueOf(flat).multiply(multiplier).longValueExact()));
        }
        BigDecimal escalated = Pricer.exactPrice(Fixtures.terms(new Graduated(rounded)), q, pct);
        BigDecimal byHand = Pricer.exactPrice(Fixtures.terms(new Graduated(raised)), q, null);
        assertThat(escalated).isEqualByComparingTo(byHand);
    }

    @Property
    void contractPricesEscalateOnlyFromTermEnd(@ForAll("terms") MeterTerms terms, @ForAll("quantity") BigDecimal q) {
        Renewal renewal = new Renewal(PERIOD, new BigDecimal("7"));
        ContractVersion contract = Fixtures.contract(terms, renewal);
        assumeFitsInMinorUnits(Pricer.exactPrice(terms, q, new BigDecimal("7")));
        assertThat(Pricer.priceMinor(contract, terms, PERIOD.minusMillis(1), q))
                .isEqualTo(Pricer.priceMinorWithoutEscalation(terms, q));
        assertThat(Pricer.priceMinor(contract, terms, PERIOD, q))
                .isEqualTo(Pricer.toMinor(Pricer.exactPrice(terms, q, new BigDecimal("7"))))
                .isGreaterThanOrEqualTo(Pricer.priceMinorWithoutEscalation(terms, q));
    }
}
