package io.reckon.pricing;

import static io.reckon.pricing.Fixtures.specMeter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PeriodCutTest {

    private static Instant t(String iso) {
        return Instant.parse(iso);
    }

    private static BillingPeriod period(String start, String end) {
        return new BillingPeriod(t(start), t(end));
    }

    private static ContractVersion version(int version, Instant effectiveFrom, int anchorDay) {
        return ContractVersion.builder()
                .accountId("acct_1")
                .version(version)
                .effectiveFrom(effectiveFrom)
                .currency("usd")
                .billingAnchorDay(anchorDay)
                .meter(specMeter())
                .build();
    }

    private static PeriodCut cut(ContractVersion... versions) {
        return PeriodCut.of(ContractHistory.of(List.of(versions)));
    }

    @Test
    void aMovedAnchorLeavesEarlierPeriodsAndMakesOneShortPeriod() {
        PeriodCut cut = cut(version(1, t("2026-03-01T00:00:00Z"), 1), version(2, t("2026-05-01T00:00:00Z"), 15));
        assertThat(cut.containing(t("2026-03-05T00:00:00Z")))
                .isEqualTo(period("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"));
        assertThat(cut.containing(t("2026-04-20T00:00:00Z")))
                .isEqualTo(period("2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z"));
        assertThat(cut.containing(t("2026-05-14T23:59:59.999Z")))
                .isEqualTo(period("2026-05-01T00:00:00Z", "2026-05-15T00:00:00Z"));
        assertThat(cut.containing(t("2026-05-15T00:00:00Z")))
                .isEqualTo(period("2026-05-15T00:00:00Z", "2026-06-15T00:00:00Z"));
        // Before the first version, its anchor day cuts.
        assertThat(cut.containing(t("2026-01-20T00:00:00Z")))
                .isEqualTo(period("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"));
        assertThat(cut.isMonthly()).isFalse();
    }

    @Test
    void aVersionEffectiveMidPeriodMovesTheAnchorFromTheNextBoundary() {
        // v2 applies to periods that start on or after 10 May: the first is the one from 1 June.
        PeriodCut cut = cut(version(1, t("2026-03-01T00:00:00Z"), 1), version(2, t("2026-05-10T00:00:00Z"), 15));
        assertThat(cut.containing(t("2026-05-20T00:00:00Z")))
                .isEqualTo(period("2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z"));
        assertThat(cut.containing(t("2026-06-03T00:00:00Z")))
                .isEqualTo(period("2026-06-01T00:00:00Z", "2026-06-15T00:00:00Z"));
    }

    @Test
    void twoChangesWithinOnePeriodLeaveTheLaterOne() {
        // v2 (day 15) and v3 (day 5) both take effect within May: the period from 1 June is v3's.
        PeriodCut cut = cut(
                version(1, t("2026-03-01T00:00:00Z"), 1),
                version(2, t("2026-05-10T00:00:00Z"), 15),
                version(3, t("2026-05-20T00:00:00Z"), 5));
        assertThat(cut.containing(t("2026-06-03T00:00:00Z")))
                .isEqualTo(period("2026-06-01T00:00:00Z", "2026-06-05T00:00:00Z"));
        // And a change back to the old day within one period leaves no trace.
        assertThat(cut(
                        version(1, t("2026-03-01T00:00:00Z"), 1),
                        version(2, t("2026-05-10T00:00:00Z"), 15),
                        version(3, t("2026-05-20T00:00:00Z"), 1)))
                .isSameAs(PeriodCut.monthly(1));
    }

    @Test
    void versionsThatKeepTheAnchorDayCutCalendarMonths() {
        assertThat(cut(version(1, t("2026-03-01T00:00:00Z"), 15), version(2, t("2026-05-20T00:00:00Z"), 15)))
                .isSameAs(PeriodCut.monthly(15));
        assertThat(PeriodCut.of(new ContractHistory())).isSameAs(PeriodCut.monthly(1));
        assertThat(PeriodCut.monthly(15).containing(t("2026-03-14T23:59:59.999Z")))
                .isEqualTo(BillingPeriod.containing(t("2026-03-14T23:59:59.999Z"), 15));
    }

    @Test
    void aHigherVersionEffectiveEarlierKeepsApplyingAfterALowerOne() {
        // v1 from May is never applicable: v2 (from March, day 15) is the highest version effective then.
        PeriodCut cut = cut(version(2, t("2026-03-01T00:00:00Z"), 15), version(1, t("2026-05-01T00:00:00Z"), 1));
        assertThat(cut).isSameAs(PeriodCut.monthly(15));
    }

    @Test
    void twentyThousandVersionsAreCutInOnePass() {
        // A version a day from 2026 on, each moving the anchor: 1, 2, ..., 28, 1, 2, ...
        List<ContractVersion> versions = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            versions.add(version(i + 1, t("2026-01-01T00:00:00Z").plus(Duration.ofDays(i)), 1 + i % 28));
        }
        ContractHistory history = ContractHistory.of(versions);
        long began = System.nanoTime();
        PeriodCut cut = PeriodCut.of(history);
        long tookMs = (System.nanoTime() - began) / 1_000_000;
        // From 1 January the day is 1, then each period ends on the day of the version applying at its
        // start: the version of 1 February (day 4, the 32nd) ends it on 4 February, and so on.
        assertThat(cut.containing(t("2026-01-20T00:00:00Z")))
                .isEqualTo(period("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"));
        assertThat(cut.containing(t("2026-02-02T00:00:00Z")))
                .isEqualTo(period("2026-02-01T00:00:00Z", "2026-02-04T00:00:00Z"));
        assertThat(tookMs).as("one pass, not a search per version").isLessThan(5_000);
    }

    @Test
    void encodesForStateAndRefusesWhatItDidNotWrite() {
        PeriodCut cut = cut(
                version(1, t("2026-03-01T00:00:00Z"), 1),
                version(2, t("2026-05-01T00:00:00Z"), 15),
                version(3, t("2026-09-01T00:00:00Z"), 28));
        assertThat(PeriodCut.decode(cut.encode())).isEqualTo(cut).hasSameHashCodeAs(cut);
        assertThat(PeriodCut.decode(PeriodCut.monthly(7).encode())).isSameAs(PeriodCut.monthly(7));
        assertThat(PeriodCut.monthly(7).encode()).containsExactly(7L);
        assertThatThrownBy(() -> PeriodCut.decode(new long[] {1, 5})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeriodCut.decode(new long[] {29})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeriodCut.decode(new long[] {1, 100, 1})).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- the walk, on generated histories ----------------------------------------------------

    private static final Instant ORIGIN = t("2025-06-01T00:00:00Z");

    @Provide
    Arbitrary<List<ContractVersion>> histories() {
        Arbitrary<Instant> from = Arbitraries.longs()
                .between(0, 600L * 24)
                .map(h -> ORIGIN.plus(Duration.ofHours(h)))
                .injectDuplicates(0.2);
        Arbitrary<Integer> day = Arbitraries.integers().between(1, 28);
        return Combinators.combine(from, day)
                .as((f, d) -> new Object[] {f, d})
                .list()
                .ofMinSize(1)
                .ofMaxSize(5)
                .map(specs -> {
                    List<ContractVersion> out = new ArrayList<>();
                    for (int i = 0; i < specs.size(); i++) {
                        out.add(version(i + 1, (Instant) specs.get(i)[0], (Integer) specs.get(i)[1]));
                    }
                    return out;
                });
    }

    @Provide
    Arbitrary<Instant> times() {
        return Arbitraries.longs()
                .between(-60L * 24 * 3600_000, 800L * 24 * 3600_000)
                .map(ORIGIN::plusMillis);
    }

    /**
     * The walk's definition, checked on every period around a time: the periods are contiguous, and each
     * ends at the first date after its start that is the anchor day of the version applying at its start
     * (the first version's before any applies).
     */
    @Property(tries = 300)
    void eachPeriodEndsOnTheAnchorOfTheVersionApplyingAtItsStart(
            @ForAll("histories") List<ContractVersion> versions, @ForAll("times") Instant time) {
        ContractHistory history = ContractHistory.of(versions);
        PeriodCut cut = PeriodCut.of(history);
        int firstDay = history.applicableTo(versions.stream()
                        .map(ContractVersion::effectiveFrom)
                        .min(Instant::compareTo)
                        .orElseThrow())
                .orElseThrow()
                .billingAnchorDay();
        BillingPeriod p = cut.containing(time);
        assertThat(p.contains(time)).isTrue();
        for (int i = 0; i < 4; i++) {
            int day = history.applicableTo(p.start())
                    .map(ContractVersion::billingAnchorDay)
                    .orElse(firstDay);
            LocalDate end = LocalDate.ofInstant(p.end(), ZoneOffset.UTC);
            assertThat(end.getDayOfMonth()).as("end of %s", p).isEqualTo(day);
            assertThat(p.end())
                    .isEqualTo(BillingPeriod.containing(p.start(), day).end());
            BillingPeriod before = cut.containing(p.start().minusMillis(1));
            assertThat(before.end()).isEqualTo(p.start());
            BillingPeriod next = cut.containing(p.end());
            assertThat(next.start()).isEqualTo(p.end());
            assertThat(PeriodCut.decode(cut.encode())).isEqualTo(cut);
            p = next;
        }
    }

    /** With one anchor day in every version, the cut is calendar months from it. */
    @Property(tries = 100)
    void oneAnchorDayCutsCalendarMonths(
            @ForAll("histories") List<ContractVersion> versions, @ForAll("times") Instant time) {
        int day = versions.get(0).billingAnchorDay();
        List<ContractVersion> sameDay = new ArrayList<>();
        for (ContractVersion v : versions) {
            sameDay.add(version(v.version(), v.effectiveFrom(), day));
        }
        assertThat(PeriodCut.of(ContractHistory.of(sameDay)).containing(time))
                .isEqualTo(BillingPeriod.containing(time, day));
    }
}
