package io.reckon.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.demo.DemoWorkload.Options;
import io.reckon.demo.DemoWorkload.TruthEntry;
import io.reckon.demo.WorkloadFiles.Figures;
import io.reckon.demo.WorkloadFiles.PeriodKey;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoWorkloadTest {

    private static final Instant RANGE_START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant RANGE_END = Instant.parse("2026-04-01T00:00:00Z");

    @TempDir
    static Path dir;

    private static DemoWorkload workload;
    private static WorkloadFiles files;

    @BeforeAll
    static void generateDefaultWorkload() throws IOException {
        workload = DemoWorkload.generate(Options.defaults());
        workload.writeTo(dir.resolve("a"));
        files = WorkloadFiles.read(dir.resolve("a"));
    }

    @Test
    void sameSeedWritesByteIdenticalFiles() throws IOException {
        DemoWorkload.generate(Options.defaults()).writeTo(dir.resolve("b"));
        for (String file : List.of(
                DemoWorkload.CONTRACTS_FILE,
                DemoWorkload.USAGE_FILE,
                DemoWorkload.REPORTED_FILE,
                DemoWorkload.INVOICES_FILE,
                DemoWorkload.TRUTH_FILE)) {
            assertThat(Files.mismatch(
                            dir.resolve("a").resolve(file), dir.resolve("b").resolve(file)))
                    .as(file)
                    .isEqualTo(-1L);
        }
    }

    @Test
    void differentSeedWritesDifferentFiles() throws IOException {
        Options small = Options.defaults().withAccounts(40);
        DemoWorkload.generate(small.withSeed(1)).writeTo(dir.resolve("seed1"));
        DemoWorkload.generate(small.withSeed(2)).writeTo(dir.resolve("seed2"));
        for (String file : List.of(DemoWorkload.CONTRACTS_FILE, DemoWorkload.USAGE_FILE, DemoWorkload.TRUTH_FILE)) {
            assertThat(Files.mismatch(
                            dir.resolve("seed1").resolve(file),
                            dir.resolve("seed2").resolve(file)))
                    .as(file)
                    .isNotEqualTo(-1L);
        }
    }

    @Test
    void contractsCoverEveryPricingModelOnEveryMeterAndTheContractFeatures() {
        assertThat(files.contracts).hasSizeGreaterThanOrEqualTo(200);
        Map<String, Set<String>> modelsByMeter = new HashMap<>();
        Set<String> currencies = new TreeSet<>();
        Set<Integer> anchorDays = new TreeSet<>();
        int withMinimum = 0;
        int withIncluded = 0;
        int renewalsInRange = 0;
        int secondVersions = 0;
        int gradedFlatAmounts = 0;
        for (JsonNode n : files.contractNodes) {
            ContractVersion v = ContractBook.parse(n);
            currencies.add(v.currency());
            anchorDays.add(v.billingAnchorDay());
            if (v.version() == 2) {
                secondVersions++;
                assertThat(v.effectiveFrom()).isAfter(RANGE_START).isBefore(RANGE_END);
            }
            if (v.renewal() != null
                    && v.renewal().termEnd().isAfter(RANGE_START)
                    && v.renewal().termEnd().isBefore(RANGE_END)) {
                renewalsInRange++;
            }
            for (MeterTerms t : v.meters()) {
                modelsByMeter
                        .computeIfAbsent(t.meter(), m -> new TreeSet<>())
                        .add(t.pricing().model());
                withMinimum += t.minimumAmountMinor() > 0 ? 1 : 0;
                withIncluded += t.includedQuantity().signum() > 0 ? 1 : 0;
                if (t.pricing() instanceof io.reckon.pricing.Graduated g
                        && g.tiers().stream().anyMatch(tier -> tier.flatAmountMinor() > 0)) {
                    gradedFlatAmounts++;
                }
            }
        }
        assertThat(modelsByMeter).containsOnlyKeys("api_calls", "storage_gb", "seats");
        modelsByMeter.forEach((meter, models) ->
                assertThat(models).as(meter).containsExactlyInAnyOrder("per_unit", "graduated", "volume", "package"));
        assertThat(currencies).containsExactly("eur", "usd");
        assertThat(anchorDays).containsExactly(1, 15);
        assertThat(withMinimum).isPositive();
        assertThat(withIncluded).isPositive();
        assertThat(renewalsInRange).isPositive();
        assertThat(secondVersions).isPositive();
        assertThat(gradedFlatAmounts).isPositive();
    }

    @Test
    void aggregationsAreSumMaxAndCount() {
        Map<String, Set<String>> aggregations = new HashMap<>();
        files.contracts.values().forEach(h -> h.versions()
                .forEach(v -> v.meters().forEach(t -> aggregations
                        .computeIfAbsent(t.meter(), m -> new HashSet<>())
                        .add(t.aggregation().wireName()))));
        assertThat(aggregations)
                .containsEntry("api_calls", Set.of("sum"))
                .containsEntry("storage_gb", Set.of("max"))
                .containsEntry("seats", Set.of("count"));
    }

    @Test
    void usageSpansThreeMonthsWithinTheReplayBudget() {
        Set<YearMonth> months = files.usageLines.stream()
                .map(r -> YearMonth.from(r.time().atZone(ZoneOffset.UTC)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(months).containsExactly(YearMonth.of(2026, 1), YearMonth.of(2026, 2), YearMonth.of(2026, 3));
        long unique = files.usageLines.size() - files.duplicateLines.get(DemoWorkload.USAGE_FILE);
        assertThat(unique)
                .isBetween(150_000L, 300_000L)
                .isEqualTo(workload.stats().get("usage"));
    }

    @Test
    void duplicatesAreAboutOnePercentAndBadLinesAreCounted() {
        int usageDuplicates = files.duplicateLines.get(DemoWorkload.USAGE_FILE);
        int reportDuplicates = files.duplicateLines.get(DemoWorkload.REPORTED_FILE);
        assertThat(usageDuplicates)
                .isEqualTo(workload.stats().get("usage_duplicates").intValue());
        assertThat(reportDuplicates)
                .isEqualTo(workload.stats().get("reports_duplicates").intValue());
        assertThat((double) usageDuplicates / files.usageLines.size()).isBetween(0.005, 0.02);
        assertThat((double) reportDuplicates / files.reportLines.size()).isBetween(0.005, 0.02);

        assertThat(files.badLines).isEqualTo(workload.badLines());
        assertThat(files.badLines.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(20);
        assertThat(files.badLines.keySet())
                .containsExactlyInAnyOrder(
                        DemoWorkload.CONTRACTS_FILE,
                        DemoWorkload.USAGE_FILE,
                        DemoWorkload.REPORTED_FILE,
                        DemoWorkload.INVOICES_FILE);
    }

    @Test
    void recordsAreInEventTimeOrderExceptForAFewLateOnes() {
        Duration disorder = Options.defaults().maxDisorder();
        int usageLate = lateLines(files.usageLines, disorder.multipliedBy(2).plusSeconds(1));
        int reportLate = lateLines(files.reportLines, disorder.multipliedBy(2).plusSeconds(1));
        long expectedLateAtMost =
                workload.stats().get("late_records") + workload.stats().get("after_final_records");
        // A late record may have arrived with a duplicate copy; each copy is late.
        assertThat(usageLate + reportLate).isPositive().isLessThanOrEqualTo((int) (2 * expectedLateAtMost));
        assertThat(afterFinalLines(files.usageLines)).isPositive();
        assertThat(afterFinalLines(files.reportLines)).isPositive();
    }

    private static int lateLines(List<WorkloadFiles.Rec> lines, Duration tolerated) {
        Instant maxSeen = Instant.MIN;
        int late = 0;
        for (WorkloadFiles.Rec r : lines) {
            if (r.time().plus(tolerated).isBefore(maxSeen)) {
                late++;
            }
            maxSeen = r.time().isAfter(maxSeen) ? r.time() : maxSeen;
        }
        return late;
    }

    /** Lines whose period was final (end + 6 h behind the latest event time seen) when they arrived. */
    private static int afterFinalLines(List<WorkloadFiles.Rec> lines) {
        Instant maxSeen = Instant.MIN;
        int afterFinal = 0;
        for (WorkloadFiles.Rec r : lines) {
            int anchor = files.contracts
                    .get(r.account())
                    .latestEffectiveAt(r.time())
                    .orElseThrow()
                    .billingAnchorDay();
            Instant finalAt = BillingPeriod.containing(r.time(), anchor).end().plus(Duration.ofHours(6));
            if (maxSeen.isAfter(finalAt.plus(Duration.ofMinutes(30)))) {
                afterFinal++;
            }
            maxSeen = r.time().isAfter(maxSeen) ? r.time() : maxSeen;
        }
        return afterFinal;
    }

    @Test
    void truthHoldsSeveralLeaksOfEachInjectedTypeOnDistinctKeys() {
        List<TruthEntry> truth = workload.truth();
        Map<String, Long> byType =
                truth.stream().collect(Collectors.groupingBy(TruthEntry::type, Collectors.counting()));
        assertThat(byType).containsOnlyKeys("UNDER_REPORTED_USAGE", "OVER_REPORTED_USAGE");
        byType.values().forEach(count -> assertThat(count).isGreaterThanOrEqualTo(3));
        assertThat(truth.stream()
                        .map(t -> new PeriodKey(t.accountId(), t.meter(), t.periodStart()))
                        .distinct())
                .hasSize(truth.size());
        assertThat(truth.stream().map(TruthEntry::meter).distinct())
                .containsExactlyInAnyOrder("api_calls", "storage_gb", "seats");
        assertThat(DemoWorkload.readTruth(dir.resolve("a").resolve(DemoWorkload.TRUTH_FILE)))
                .isEqualTo(truth);
        for (TruthEntry t : truth) {
            BillingPeriod period = BillingPeriod.containing(
                    t.periodStart(),
                    files.contracts.get(t.accountId()).versions().get(0).billingAnchorDay());
            assertThat(t.detectableAt())
                    .as("%s", t)
                    .isAfter(period.start())
                    .isBeforeOrEqualTo(period.end().plus(Duration.ofHours(6)));
        }
    }

    @Test
    void cleanKeysReportExactlyWhatWasMeasured() {
        Set<PeriodKey> leaks = workload.truth().stream()
                .map(t -> new PeriodKey(t.accountId(), t.meter(), t.periodStart()))
                .collect(Collectors.toSet());
        int clean = 0;
        for (Map.Entry<PeriodKey, Figures> e : files.figures.entrySet()) {
            if (leaks.contains(e.getKey())) {
                continue;
            }
            assertThat(e.getValue().reported).as("%s", e.getKey()).isEqualByComparingTo(e.getValue().actual);
            clean++;
        }
        assertThat(clean).isGreaterThan(1500);
    }

    @Test
    void truthAmountsMatchTheFiguresRecomputedFromTheFiles() {
        for (TruthEntry t : workload.truth()) {
            PeriodKey key = new PeriodKey(t.accountId(), t.meter(), t.periodStart());
            Figures f = files.figures.get(key);
            MeterTerms terms =
                    files.terms(t.accountId(), t.meter(), t.periodStart()).orElseThrow();
            long expected = files.price(key, f.actual);
            long pricedReported = files.price(key, f.reported);
            BigDecimal difference = t.type().equals("UNDER_REPORTED_USAGE")
                    ? f.actual.subtract(f.reported)
                    : f.reported.subtract(f.actual);
            long amount =
                    t.type().equals("UNDER_REPORTED_USAGE") ? expected - pricedReported : pricedReported - expected;
            assertThat(difference).as("%s", t).isGreaterThan(terms.toleranceFor(f.actual, f.reported));
            assertThat(amount).as("%s", t).isEqualTo(t.amountMinor()).isGreaterThanOrEqualTo(1);
            assertThat(t.currency())
                    .isEqualTo(
                            files.contracts.get(t.accountId()).versions().get(0).currency());
        }
    }

    @Test
    void invoicesBillExactlyWhatWasReported() {
        int checked = 0;
        for (JsonNode line : files.invoices) {
            PeriodKey key = new PeriodKey(
                    line.get("account_id").asText(),
                    line.get("meter").asText(),
                    Instant.parse(line.get("period_start").asText()));
            Figures f = files.figures.getOrDefault(key, new Figures());
            assertThat(new BigDecimal(line.get("quantity").asText()))
                    .as("%s", key)
                    .isEqualByComparingTo(f.reported);
            assertThat(line.get("amount_minor").asLong()).as("%s", key).isEqualTo(files.price(key, f.reported));
            checked++;
        }
        assertThat(checked).isEqualTo(workload.stats().get("invoice_lines").intValue());
    }
}
