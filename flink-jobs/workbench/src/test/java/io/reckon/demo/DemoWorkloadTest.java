package io.reckon.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.demo.DemoWorkload.Options;
import io.reckon.demo.DemoWorkload.TruthEntry;
import io.reckon.demo.WorkloadFiles.Figures;
import io.reckon.demo.WorkloadFiles.PeriodKey;
import io.reckon.jobs.reconcile.checks.UsageDetector;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
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
import java.util.TreeMap;
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
        // About 220,000 sparse events, plus about 130,000 on the dense business hours of the spike
        // and drop keys (the job judges an hour only on a baseline of 20 records a week).
        assertThat(unique)
                .isBetween(250_000L, 400_000L)
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

    private static final String UPSELL = "UPSELL_OPPORTUNITY";

    /**
     * The upsell truth, recomputed from the files alone (contracts.jsonl and the deduplicated
     * usage.jsonl) with the rule of docs/reconciliation.md: every key-period whose usage and the
     * previous period's reach the allowance (included quantity, else the first of several tiers) plus
     * 20 %, with usage beyond the allowance worth more than 0, is in the truth with that worth, and no
     * other. The placed cases are among them; the near misses (above the plan, under the margin) not.
     */
    @Test
    void upsellTruthIsEveryKeyPeriodWhoseUsageOutgrewItsPlanTwoPeriodsRunning() {
        Map<PeriodKey, Long> expected = new HashMap<>();
        int nearMisses = 0;
        for (Map.Entry<PeriodKey, Figures> e : files.figures.entrySet()) {
            PeriodKey key = e.getKey();
            ContractVersion contract = files.contracts
                    .get(key.account())
                    .applicableTo(key.periodStart())
                    .orElse(null);
            MeterTerms terms =
                    contract == null ? null : contract.meter(key.meter()).orElse(null);
            BigDecimal allowance = terms == null ? null : allowanceOf(terms);
            BillingPeriod previous = BillingPeriod.containing(
                    key.periodStart().minusSeconds(1),
                    files.contracts.get(key.account()).versions().get(0).billingAnchorDay());
            Figures before = files.figures.get(new PeriodKey(key.account(), key.meter(), previous.start()));
            if (allowance == null || before == null) {
                continue;
            }
            BigDecimal bar = allowance.multiply(new BigDecimal("1.2"));
            BigDecimal now = e.getValue().actual;
            BigDecimal then = before.actual;
            if (now.compareTo(bar) >= 0 && then.compareTo(bar) >= 0) {
                long overage = Pricer.priceMinor(contract, terms, key.periodStart(), now)
                        - Pricer.priceMinor(contract, terms, key.periodStart(), allowance);
                if (overage > 0) {
                    expected.put(key, overage);
                }
            } else if (now.compareTo(allowance) > 0
                    && then.compareTo(allowance) > 0
                    && now.compareTo(bar) < 0
                    && then.compareTo(bar) < 0) {
                nearMisses++;
            }
        }
        Map<PeriodKey, Long> truth = new HashMap<>();
        for (TruthEntry t : workload.truth()) {
            if (t.type().equals(UPSELL)) {
                truth.put(new PeriodKey(t.accountId(), t.meter(), t.periodStart()), t.amountMinor());
            }
        }
        assertThat(truth).isEqualTo(expected);
        assertThat(nearMisses).isGreaterThanOrEqualTo(6);

        // The placed cases: on accounts of their own, at least 1.6 times the plan in both periods.
        Map<String, Long> byMethod = new TreeMap<>();
        Set<String> placedMeters = new TreeSet<>();
        for (String line : workload.lines(DemoWorkload.TRUTH_FILE)) {
            JsonNode n = readJson(line);
            if (!n.get("type").asText().equals(UPSELL)) {
                continue;
            }
            String method = n.get("method").asText();
            byMethod.merge(method, 1L, Long::sum);
            if (method.equals("outgrown_plan")) {
                placedMeters.add(n.get("meter").asText());
                BigDecimal allowance = new BigDecimal(n.get("allowance").asText());
                assertThat(new BigDecimal(n.get("actual_quantity").asText()))
                        .isGreaterThanOrEqualTo(allowance.multiply(new BigDecimal("1.6")));
                String account = n.get("account_id").asText();
                assertThat(workload.truth().stream()
                                .filter(t -> t.accountId().equals(account)
                                        && !t.type().equals(UPSELL)))
                        .as(account)
                        .isEmpty();
            }
        }
        assertThat(byMethod).containsOnlyKeys("organic", "outgrown_plan");
        assertThat(byMethod.get("outgrown_plan")).isGreaterThanOrEqualTo(6);
        assertThat(placedMeters).containsExactlyInAnyOrder("api_calls", "storage_gb", "seats");
        assertThat(workload.stats()).containsEntry("upsell_cases", 6L).containsEntry("upsell_near_misses", 6L);
    }

    private static BigDecimal allowanceOf(MeterTerms terms) {
        if (terms.includedQuantity().signum() > 0) {
            return terms.includedQuantity();
        }
        List<io.reckon.pricing.Tier> tiers = terms.pricing() instanceof io.reckon.pricing.Graduated g
                ? g.tiers()
                : terms.pricing() instanceof io.reckon.pricing.Volume v ? v.tiers() : List.of();
        return tiers.size() > 1 ? tiers.get(0).upTo() : null;
    }

    private static final Set<String> METERING_TYPES = Set.of("UNDER_REPORTED_USAGE", "OVER_REPORTED_USAGE");
    private static final Set<String> BILLING_TYPES =
            Set.of("UNBILLED_USAGE", "RENEWAL_DRIFT", "MISSED_OVERAGE", "OVERBILLED");

    @Test
    void truthHoldsSeveralLeaksOfEachInjectedTypeOnDistinctKeys() {
        List<TruthEntry> truth = workload.truth();
        Map<String, Long> byType =
                truth.stream().collect(Collectors.groupingBy(TruthEntry::type, Collectors.counting()));
        assertThat(byType)
                .containsOnlyKeys(
                        "UNDER_REPORTED_USAGE",
                        "OVER_REPORTED_USAGE",
                        "UNBILLED_USAGE",
                        "RENEWAL_DRIFT",
                        "MISSED_OVERAGE",
                        "OVERBILLED",
                        "REPORTING_GAP",
                        "USAGE_SPIKE",
                        "USAGE_DROP",
                        "UPSELL_OPPORTUNITY");
        byType.values().forEach(count -> assertThat(count).isGreaterThanOrEqualTo(3));
        // Every leak and signal on a key-period of its own; an opportunity (a key's usage against its
        // plan) may sit on a key-period with a leak.
        List<TruthEntry> injections =
                truth.stream().filter(t -> !t.type().equals(UPSELL)).toList();
        assertThat(injections.stream()
                        .map(t -> new PeriodKey(t.accountId(), t.meter(), t.periodStart()))
                        .distinct())
                .hasSize(injections.size());
        for (String type : List.of("UNDER_REPORTED_USAGE", "OVER_REPORTED_USAGE", "MISSED_OVERAGE", "OVERBILLED")) {
            assertThat(truth.stream().filter(t -> t.type().equals(type)).map(TruthEntry::meter))
                    .as(type)
                    .containsAll(List.of("api_calls", "storage_gb", "seats"));
        }
        assertThat(DemoWorkload.readTruth(dir.resolve("a").resolve(DemoWorkload.TRUTH_FILE)))
                .isEqualTo(truth);
        for (TruthEntry t : truth) {
            BillingPeriod period = period(t);
            if (t.type().equals(UPSELL)) {
                // Judged when the period's metering side is final.
                assertThat(t.detectableAt()).as("%s", t).isEqualTo(period.end().plus(Duration.ofHours(6)));
            } else if (SIGNAL_TYPES.contains(t.type())) {
                // A signal is raised at an hour tick after its first hour, while its period is open.
                assertThat(t.detectableAt())
                        .as("%s", t)
                        .isAfter(t.periodStart())
                        .isBeforeOrEqualTo(period.end().plus(Duration.ofHours(6)));
            } else if (METERING_TYPES.contains(t.type())) {
                assertThat(t.detectableAt())
                        .as("%s", t)
                        .isAfter(period.start())
                        .isBeforeOrEqualTo(period.end().plus(Duration.ofHours(6)));
            } else {
                // Billing is judged once the metering side is final; a missing line after the grace.
                Duration after = t.type().equals("UNBILLED_USAGE") ? Duration.ofHours(72) : Duration.ofHours(6);
                assertThat(t.detectableAt()).as("%s", t).isEqualTo(period.end().plus(after));
            }
        }
    }

    private static BillingPeriod period(TruthEntry t) {
        return BillingPeriod.containing(
                t.periodStart(),
                files.contracts.get(t.accountId()).versions().get(0).billingAnchorDay());
    }

    @Test
    void keysWithoutAMeteringLeakReportExactlyWhatWasMeasured() {
        Set<PeriodKey> leaks = workload.truth().stream()
                .filter(t -> METERING_TYPES.contains(t.type()))
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
    void meteringTruthAmountsMatchTheFiguresRecomputedFromTheFiles() {
        for (TruthEntry t : workload.truth()) {
            if (!METERING_TYPES.contains(t.type())) {
                continue;
            }
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
    void billingTruthMatchesTheInvoicesRecomputedFromTheFiles() {
        int checked = 0;
        for (TruthEntry t : workload.truth()) {
            if (!BILLING_TYPES.contains(t.type())) {
                continue;
            }
            PeriodKey key = new PeriodKey(t.accountId(), t.meter(), t.periodStart());
            Figures f = files.figures.getOrDefault(key, new Figures());
            ContractVersion contract = files.contracts
                    .get(t.accountId())
                    .applicableTo(t.periodStart())
                    .orElseThrow();
            MeterTerms terms = contract.meter(t.meter()).orElseThrow();
            long pricedReported = files.price(key, f.reported);
            long unescalated = Pricer.priceMinorWithoutEscalation(terms, f.reported);
            boolean escalated = contract.renewal() != null
                    && !t.periodStart().isBefore(contract.renewal().termEnd());
            WorkloadFiles.Billed billed = files.billed.getOrDefault(key, new WorkloadFiles.Billed(false, 0));
            long shortfall = pricedReported - billed.amountMinor();
            assertThat(f.reported).as("no metering leak on %s", t).isEqualByComparingTo(f.actual);
            assertThat(BillingPeriod.containing(t.periodStart(), contract.billingAnchorDay())
                            .end())
                    .as("a period whose billing can be judged in the range: %s", t)
                    .isBeforeOrEqualTo(RANGE_END);
            switch (t.type()) {
                case "UNBILLED_USAGE" -> {
                    assertThat(billed.anyLine()).as("%s", t).isFalse();
                    assertThat(t.amountMinor()).as("%s", t).isEqualTo(pricedReported);
                }
                case "RENEWAL_DRIFT" -> {
                    assertThat(billed.anyLine()).as("%s", t).isTrue();
                    assertThat(escalated).as("%s", t).isTrue();
                    assertThat(Math.abs(billed.amountMinor() - unescalated))
                            .as("%s", t)
                            .isLessThanOrEqualTo(1);
                    assertThat(t.amountMinor()).as("%s", t).isEqualTo(shortfall);
                }
                case "MISSED_OVERAGE" -> {
                    assertThat(billed.anyLine()).as("%s", t).isTrue();
                    assertThat(escalated && Math.abs(billed.amountMinor() - unescalated) <= 1)
                            .as("not a renewal drift: %s", t)
                            .isFalse();
                    assertThat(t.amountMinor()).as("%s", t).isEqualTo(shortfall);
                }
                case "OVERBILLED" -> {
                    assertThat(billed.anyLine()).as("%s", t).isTrue();
                    assertThat(t.amountMinor()).as("%s", t).isEqualTo(-shortfall);
                }
                default -> throw new AssertionError(t.type());
            }
            assertThat(t.amountMinor()).as("clearly a leak: %s", t).isGreaterThanOrEqualTo(100);
            assertThat(t.currency()).isEqualTo(contract.currency());
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(12);
    }

    @Test
    void keysWithoutABillingLeakAreBilledExactlyThePricedReportedQuantity() {
        Set<PeriodKey> billingLeaks = workload.truth().stream()
                .filter(t -> BILLING_TYPES.contains(t.type()))
                .map(t -> new PeriodKey(t.accountId(), t.meter(), t.periodStart()))
                .collect(Collectors.toSet());
        int clean = 0;
        int escalated = 0;
        Map<String, Integer> byModel = new TreeMap<>();
        for (Map.Entry<PeriodKey, WorkloadFiles.Billed> e : files.billed.entrySet()) {
            PeriodKey key = e.getKey();
            if (billingLeaks.contains(key)) {
                continue;
            }
            Figures f = files.figures.getOrDefault(key, new Figures());
            assertThat(e.getValue().anyLine()).as("%s", key).isTrue();
            // Keys with a metering leak bill what was reported: correct billing of a wrong report.
            assertThat(e.getValue().amountMinor()).as("%s", key).isEqualTo(files.price(key, f.reported));
            ContractVersion contract = files.contracts
                    .get(key.account())
                    .applicableTo(key.periodStart())
                    .orElseThrow();
            if (contract.escalatedFor(key.periodStart())) {
                escalated++;
            }
            byModel.merge(contract.meter(key.meter()).orElseThrow().pricing().model(), 1, Integer::sum);
            clean++;
        }
        assertThat(clean).isGreaterThan(1500);
        assertThat(escalated).isPositive();
        assertThat(byModel).containsOnlyKeys("per_unit", "graduated", "volume", "package");
        // Every key with usage in the range is invoiced, unless its leak is that it was not.
        for (PeriodKey key : files.figures.keySet()) {
            if (!billingLeaks.contains(key)) {
                assertThat(files.billed).as("%s", key).containsKey(key);
            }
        }
    }

    @Test
    void invoicesHoldReplacedVoidAndWrongCurrencyLines() {
        // The keys of the leaks and signals; an opportunity says nothing about a key's invoices.
        Set<PeriodKey> truthKeys = workload.truth().stream()
                .filter(t -> !t.type().equals(UPSELL))
                .map(t -> new PeriodKey(t.accountId(), t.meter(), t.periodStart()))
                .collect(Collectors.toSet());
        Map<String, List<JsonNode>> byLineId = new HashMap<>();
        for (JsonNode n : files.invoices) {
            byLineId.computeIfAbsent(n.get("line_id").asText(), k -> new java.util.ArrayList<>())
                    .add(n);
        }
        // A line whose later record changes the amount, both on a leak and on a clean key.
        List<PeriodKey> replacedAmounts = byLineId.values().stream()
                .filter(records -> records.size() > 1
                        && records.get(0).get("amount_minor").asLong()
                                != records.get(records.size() - 1)
                                        .get("amount_minor")
                                        .asLong())
                .map(records -> files.invoiceKey(records.get(0)))
                .toList();
        assertThat(replacedAmounts).anyMatch(truthKeys::contains).anyMatch(k -> !truthKeys.contains(k));
        // A void line on a key that is billed correctly by its other line: counting it would overbill.
        List<PeriodKey> voidOnBilledKeys = files.invoices.stream()
                .filter(n -> "void".equals(n.get("status").asText()))
                .map(files::invoiceKey)
                .filter(k -> files.billed.get(k).anyLine())
                .toList();
        assertThat(voidOnBilledKeys).isNotEmpty().noneMatch(truthKeys::contains);
        assertThat(files.wrongCurrencyInvoices)
                .hasSize(workload.stats().get("invoice_wrong_currency_lines").intValue())
                .isNotEmpty();
        for (JsonNode n : files.wrongCurrencyInvoices) {
            PeriodKey key = files.invoiceKey(n);
            assertThat(truthKeys).doesNotContain(key);
            assertThat(files.billed.get(key).amountMinor())
                    .as("the key keeps its correct line: %s", key)
                    .isEqualTo(files.price(key, files.figures.get(key).reported))
                    .isPositive();
        }
        long records = workload.stats().get("invoice_lines");
        assertThat(files.invoices).hasSize((int) records);
    }

    private static final Set<String> SIGNAL_TYPES = Set.of("REPORTING_GAP", "USAGE_SPIKE", "USAGE_DROP");
    private static final Duration WEEK = Duration.ofDays(7);

    /** Deduplicated usage (or reports) of one key per hour, summed, read back from the files. */
    private static Map<Instant, BigDecimal> hourlyFromFiles(
            List<WorkloadFiles.Rec> lines, String account, String meter) {
        Map<Instant, BigDecimal> out = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (WorkloadFiles.Rec r : lines) {
            if (r.account().equals(account) && r.meter().equals(meter) && seen.add(r.id())) {
                Instant hour = r.time().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
                out.merge(hour, r.quantity(), BigDecimal::add);
            }
        }
        return out;
    }

    /** Deduplicated usage of one key per hour as the job's detector reads it, from the files. */
    private static Map<Instant, UsageDetector.Hour> detectorHoursFromFiles(
            List<WorkloadFiles.Rec> lines, String account, String meter) {
        List<Instant> times = new java.util.ArrayList<>();
        List<BigDecimal> quantities = new java.util.ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (WorkloadFiles.Rec r : lines) {
            if (r.account().equals(account) && r.meter().equals(meter) && seen.add(r.id())) {
                times.add(r.time());
                quantities.add(r.quantity());
            }
        }
        return SignalRules.hours(times, quantities);
    }

    @Test
    void injectedSignalsSitOnKeysWithoutAnyOtherInjection() {
        Map<String, Long> byMethod = new TreeMap<>();
        for (String line : workload.lines(DemoWorkload.TRUTH_FILE)) {
            JsonNode n = readJson(line);
            String method = n.get("method").asText();
            if (!List.of("batch_surge", "integration_down", "reporting_outage_caught_up")
                    .contains(method)) {
                continue;
            }
            byMethod.merge(method, 1L, Long::sum);
            String account = n.get("account_id").asText();
            // No other injection; an opportunity of the account's own usage against its plan may be there.
            assertThat(workload.truth().stream()
                            .filter(t ->
                                    t.accountId().equals(account) && !t.type().equals(UPSELL)))
                    .as(account)
                    .hasSize(1);
        }
        assertThat(byMethod)
                .containsOnlyKeys("batch_surge", "integration_down", "reporting_outage_caught_up")
                .allSatisfy((method, count) -> assertThat(count).as(method).isGreaterThanOrEqualTo(3));
    }

    @Test
    void spikeAndDropTruthFollowsTheDetectorRecomputedFromTheFiles() {
        int checked = 0;
        for (TruthEntry t : workload.truth()) {
            if (!t.type().equals("USAGE_SPIKE") && !t.type().equals("USAGE_DROP")) {
                continue;
            }
            Map<Instant, BigDecimal> usage = hourlyFromFiles(files.usageLines, t.accountId(), t.meter());
            Map<Instant, UsageDetector.Hour> hours = detectorHoursFromFiles(files.usageLines, t.accountId(), t.meter());
            Map<Instant, BigDecimal> reported = hourlyFromFiles(files.reportLines, t.accountId(), t.meter());
            Instant h = t.periodStart();
            Instant first = usage.keySet().iterator().next();
            // Four full weeks of history, the hour flagged by the job's detector, and the hour before
            // not: the episode starts here.
            assertThat(first).isBeforeOrEqualTo(h.minus(WEEK.multipliedBy(4)));
            assertThat(SignalRules.judge(hours, first, h).outcome().name())
                    .as("%s", t)
                    .isEqualTo(t.type().substring("USAGE_".length()));
            assertThat(SignalRules.judge(hours, first, h.minus(Duration.ofHours(1)))
                            .outcome()
                            .name())
                    .as("%s", t)
                    .isNotEqualTo(t.type().substring("USAGE_".length()));
            assertThat(t.detectableAt()).isEqualTo(h.plus(Duration.ofHours(1)));
            assertThat(t.amountMinor()).isZero();
            // Reports follow usage hour by hour: the signal is no metering leak.
            assertThat(reported).as("%s", t).isEqualTo(usage);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(6);
    }

    @Test
    void reportingGapTruthMatchesTheReportsAndPricesRecomputedFromTheFiles() {
        int caughtUp = 0;
        for (String line : workload.lines(DemoWorkload.TRUTH_FILE)) {
            JsonNode n = readJson(line);
            if (!n.get("type").asText().equals("REPORTING_GAP")) {
                continue;
            }
            String account = n.get("account_id").asText();
            String meter = n.get("meter").asText();
            Instant g0 = Instant.parse(n.get("period_start").asText());
            if (n.get("resumed_hour").isNull()) {
                continue; // settled with its period; not among the injected cases
            }
            Instant resumed = Instant.parse(n.get("resumed_hour").asText());
            Instant detectable = Instant.parse(n.get("detectable_at").asText());
            Map<Instant, BigDecimal> usage = hourlyFromFiles(files.usageLines, account, meter);
            Set<Instant> reportHours = new HashSet<>();
            for (WorkloadFiles.Rec r : files.reportLines) {
                if (r.account().equals(account) && r.meter().equals(meter)) {
                    reportHours.add(r.time().truncatedTo(java.time.temporal.ChronoUnit.HOURS));
                }
            }
            // The gap: a report in the hour before it, none from its first hour until it resumes.
            assertThat(reportHours).as(line).contains(g0.minus(Duration.ofHours(1)), resumed);
            for (Instant h = g0; h.isBefore(resumed); h = h.plus(Duration.ofHours(1))) {
                assertThat(reportHours).as(line).doesNotContain(h);
            }
            // Raised at the first tick whose 6 h window (ending 2 h before it) is past the last report.
            assertThat(detectable).isEqualTo(firstGapTick(g0, usage));
            if (n.get("method").asText().equals("reporting_outage_caught_up")) {
                // Priced like the job: usage of the period through the gap against usage before it.
                PeriodKey key = new PeriodKey(
                        account,
                        meter,
                        Instant.parse(n.get("billing_period_start").asText()));
                BigDecimal before = BigDecimal.ZERO;
                BigDecimal inGap = BigDecimal.ZERO;
                for (Map.Entry<Instant, BigDecimal> e : usage.entrySet()) {
                    if (!e.getKey().isBefore(key.periodStart()) && e.getKey().isBefore(g0)) {
                        before = before.add(e.getValue());
                    } else if (!e.getKey().isBefore(g0) && e.getKey().isBefore(resumed)) {
                        inGap = inGap.add(e.getValue());
                    }
                }
                long amount = files.price(key, before.add(inGap)) - files.price(key, before);
                assertThat(n.get("amount_minor").asLong())
                        .as(line)
                        .isEqualTo(amount)
                        .isPositive();
                assertThat(new BigDecimal(n.get("catch_up_quantity").asText())).isEqualByComparingTo(inGap);
                // The catch-up makes the period whole: the gap leaves no metering leak behind.
                Figures f = files.figures.get(key);
                assertThat(f.reported).as(line).isEqualByComparingTo(f.actual);
                caughtUp++;
            }
        }
        assertThat(caughtUp).isGreaterThanOrEqualTo(3);
    }

    /** The first hour tick T with usage in [T - 8 h, T - 2 h), for a gap starting at g0 (reports absent since). */
    private static Instant firstGapTick(Instant g0, Map<Instant, BigDecimal> usage) {
        for (Instant t = g0.plus(Duration.ofHours(8)); ; t = t.plus(Duration.ofHours(1))) {
            for (Instant h = t.minus(Duration.ofHours(8));
                    h.isBefore(t.minus(Duration.ofHours(2)));
                    h = h.plus(Duration.ofHours(1))) {
                if (usage.containsKey(h)) {
                    return t;
                }
            }
        }
    }

    private static JsonNode readJson(String line) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
