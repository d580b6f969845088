package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.HourlyRollup;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.records.UnmappedUsage;
import io.reckon.jobs.testing.Contracts;
import io.reckon.jobs.testing.LineRecords;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation function in the operator harness: elements and watermarks in, anomaly revisions,
 * side outputs, timers and state entries out. Defaults: reporting delay 2 h, allowed lateness 6 h,
 * dedup horizon 24 h, retention 35 days.
 */
class ReconcileFunctionTest {

    static final String ACCOUNT = "acct_1";
    static final String METER = "api_calls";

    KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harnessFor(new ReconcileFunction(ReconSettings.defaults()));
    }

    /** The harness every test runs on: Flink's own keyed broadcast operator around the function. */
    KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> harnessFor(
            ReconcileFunction function) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                function, MeterEvent::key, Types.STRING, ReconcileFunction.CONTRACTS);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** Replaces the harness with one around a new function with the defaults, returned for its counters. */
    private ReconcileFunction withFunctionAtHand() throws Exception {
        ReconcileFunction function = new ReconcileFunction(ReconSettings.defaults());
        harness.close();
        harness = harnessFor(function);
        return function;
    }

    /** Replaces the harness with one whose function runs with the given option. */
    private void withOption(String key, String value) throws Exception {
        harness.close();
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        conf.setString(key, value);
        harness = harnessFor(new ReconcileFunction(ReconSettings.from(conf)));
    }

    @Test
    void underReportingIsRaisedWhileOpenUpdatedResolvedAndFinal() throws Exception {
        // 2 cents per call.
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "2"));
        usage("u1", "2026-03-02T10:10:00Z", "100");
        reported("r1", "2026-03-02T10:50:00Z", "100");
        usage("u2", "2026-03-02T11:20:00Z", "100");

        watermark("2026-03-02T13:00:00Z");
        // Hours before 11:00 are compared: 100 used, 100 reported.
        assertThat(anomalies()).isEmpty();

        watermark("2026-03-02T14:00:00Z");
        // Hour 11 matured: 200 used vs 100 reported; tolerance 0.5 % of 200 = 1 unit.
        List<AnomalyRecord> out = anomalies();
        assertThat(out).hasSize(1);
        AnomalyRecord first = out.get(0);
        assertThat(first.type).isEqualTo("UNDER_REPORTED_USAGE");
        assertThat(first.revision).isEqualTo(1);
        assertThat(first.status).isEqualTo("open");
        assertThat(first.finalRevision).isFalse();
        assertThat(first.actualQuantity).isEqualByComparingTo("200");
        assertThat(first.reportedQuantity).isEqualByComparingTo("100");
        assertThat(first.expectedAmountMinor).isEqualTo(400);
        assertThat(first.pricedReportedAmountMinor).isEqualTo(200);
        assertThat(first.amountMinor).isEqualTo(200);
        assertThat(first.billedAmountMinor).isNull();
        assertThat(first.periodStart).isEqualTo(ms("2026-03-01T00:00:00Z"));
        assertThat(first.periodEnd).isEqualTo(ms("2026-04-01T00:00:00Z"));
        assertThat(first.eventTimeWatermark).isEqualTo(ms("2026-03-02T14:00:00Z"));
        assertThat(first.anomalyId)
                .isEqualTo(AnomalyIds.of("UNDER_REPORTED_USAGE", ACCOUNT, METER, ms("2026-03-01T00:00:00Z")));
        assertThat(first.explanation)
                .isEqualTo("api_calls for acct_1 in March 2026: 200 used, 100 reported; 100 units unreported = $2.00.");

        reported("r2", "2026-03-02T11:30:00Z", "60");
        watermark("2026-03-02T15:00:00Z");
        out = anomalies();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).revision).isEqualTo(2);
        assertThat(out.get(0).status).isEqualTo("updated");
        assertThat(out.get(0).amountMinor).isEqualTo(80);
        assertThat(out.get(0).anomalyId).isEqualTo(first.anomalyId);

        reported("r3", "2026-03-02T11:40:00Z", "40");
        watermark("2026-03-02T16:00:00Z");
        out = anomalies();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).revision).isEqualTo(3);
        assertThat(out.get(0).status).isEqualTo("resolved");

        // Final at period end + 6 h: the resolved anomaly is settled with one final revision.
        watermark("2026-04-01T05:00:00Z");
        assertThat(anomalies()).isEmpty();
        watermark("2026-04-01T06:00:00Z");
        out = anomalies();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).revision).isEqualTo(4);
        assertThat(out.get(0).status).isEqualTo("resolved");
        assertThat(out.get(0).finalRevision).isTrue();

        // After the retention (35 days after the 72 h invoice grace) the period is released; its
        // hourly buckets stay until the next period (April) is released too, for April's spike
        // baselines. Then no state entry or timer is left.
        watermark("2026-05-08T23:00:00Z");
        assertThat(keyedStateEntries()).isPositive();
        watermark("2026-05-09T00:00:00Z");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        watermark("2026-06-08T00:00:00Z");
        assertThat(keyedStateEntries()).isPositive();
        // Retired buckets go one millisecond after the hour (ticks are on the hour).
        watermark("2026-06-08T00:00:00.001Z");
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(keyedStateEntries()).isZero();
    }

    @Test
    void theEndOfTheInputSettlesEveryPeriodAndLeavesNoStateOrTimer() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "2"));
        // March and April, with ids on both sides of the period boundary within the dedup horizon of it
        // (a sweep at March's release would keep them), an exact copy (counts once) and a copy of u1 more
        // than the horizon later (counts again, in April).
        usage("u1", "2026-03-10T10:00:00Z", "100");
        reported("r1", "2026-03-10T10:05:00Z", "100");
        usage("u2", "2026-03-31T23:30:00Z", "50");
        usage("u2", "2026-03-31T23:30:00Z", "50");
        usage("u3", "2026-04-01T00:10:00Z", "30");
        reported("r2", "2026-04-01T00:15:00Z", "30");
        usage("u1", "2026-04-02T10:00:00Z", "100");
        // March is final by now, April not.
        watermark("2026-04-02T12:00:00Z");

        // The end of a bounded input: every period is final and released in this one watermark.
        harness.watermark(Long.MAX_VALUE);

        Map<String, Long> under = finals(anomalies()).stream()
                .filter(a -> a.type.equals("UNDER_REPORTED_USAGE"))
                .collect(Collectors.toMap(
                        a -> Instant.ofEpochMilli(a.periodStart) + " " + a.actualQuantity.toPlainString(),
                        a -> a.amountMinor));
        assertThat(under)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "2026-03-01T00:00:00Z 150", 100L,
                        "2026-04-01T00:00:00Z 130", 200L));
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(keyedStateEntries()).isZero();
    }

    @Test
    void overReportingIsEvaluatedOnlyWhenThePeriodIsFinal() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        usage("u1", "2026-03-10T10:00:00Z", "200");
        reported("r1", "2026-03-10T10:05:00Z", "200");
        reported("r2", "2026-03-10T10:06:00Z", "100");

        watermark("2026-03-31T00:00:00Z");
        assertThat(anomalies()).isEmpty();

        watermark("2026-04-01T06:00:00Z");
        List<AnomalyRecord> out = anomalies();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).type).isEqualTo("OVER_REPORTED_USAGE");
        assertThat(out.get(0).status).isEqualTo("open");
        assertThat(out.get(0).finalRevision).isTrue();
        assertThat(out.get(0).amountMinor).isEqualTo(100);
        assertThat(out.get(0).confidence).isEqualTo(0.55); // one usage record: 0.5 + 0.05 x 1
        assertThat(out.get(0).severity).isEqualTo("low");
    }

    @Test
    void aLateRecordAfterFinalProducesAnUpdatedRevisionAndIsCountedLate() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        usage("u1", "2026-03-10T10:00:00Z", "1000");
        reported("r1", "2026-03-10T10:05:00Z", "900");
        watermark("2026-04-01T06:00:00Z");
        List<AnomalyRecord> out = anomalies();
        // Raised while open (revision 1), then settled as final (revision 2).
        assertThat(out)
                .extracting(a -> a.type + "#" + a.revision + ":" + a.amountMinor + (a.finalRevision ? "F" : ""))
                .containsExactly("UNDER_REPORTED_USAGE#1:100", "UNDER_REPORTED_USAGE#2:100F");

        // Late records are evaluated at the next tick, once for the whole burst.
        usage("u-late", "2026-03-20T10:00:00Z", "30");
        usage("u-late-2", "2026-03-20T11:00:00Z", "20");
        assertThat(anomalies()).isEmpty();
        watermark("2026-04-01T07:00:00Z");
        out = anomalies();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).eventTimeWatermark).isEqualTo(ms("2026-04-01T07:00:00Z"));
        assertThat(out.get(0).revision).isEqualTo(3);
        assertThat(out.get(0).status).isEqualTo("updated");
        assertThat(out.get(0).finalRevision).isTrue();
        assertThat(out.get(0).amountMinor).isEqualTo(150);
        assertThat(out.get(0).confidence).isLessThan(1.0);
    }

    @Test
    void aBurstOfLateRecordsYieldsOneRevisionPerAnomalyAtTheNextTick() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        usage("u1", "2026-03-10T10:00:00Z", "1000");
        reported("r1", "2026-03-10T10:05:00Z", "1000");
        watermark("2026-04-01T06:00:00Z");
        assertThat(anomalies()).isEmpty();

        // 500 late usage records for March, in one burst and in no particular order.
        for (int i = 0; i < 500; i++) {
            int day = 1 + (i * 7) % 28;
            usage("late-" + i, String.format("2026-03-%02dT%02d:15:00Z", day, i % 24), "2");
        }
        assertThat(anomalies()).as("nothing before the next tick").isEmpty();
        watermark("2026-04-01T07:00:00Z");
        List<AnomalyRecord> out = anomalies();
        assertThat(out)
                .extracting(
                        a -> a.type + "#" + a.revision + ":" + a.amountMinor + ":" + a.actualQuantity.toPlainString())
                .containsExactly("UNDER_REPORTED_USAGE#1:1000:2000");
        assertThat(out.get(0).finalRevision).isTrue();
        watermark("2026-04-01T08:00:00Z");
        assertThat(anomalies()).as("evaluated once").isEmpty();
    }

    @Test
    void aKeyTicksWhenItsFiguresCanChangeNotEveryHour() throws Exception {
        ReconcileFunction function = withFunctionAtHand();
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        // Records in two hours of a 744-hour period, then none: the key stays open all month.
        usage("u1", "2026-03-02T10:10:00Z", "100");
        reported("r1", "2026-03-02T10:20:00Z", "100");
        usage("u2", "2026-03-02T11:10:00Z", "50");
        reported("r2", "2026-03-02T11:20:00Z", "50");
        long hour = ms("2026-03-02T12:00:00Z");
        for (; hour <= ms("2026-03-31T23:00:00Z"); hour += ReconSettings.HOUR_MS) {
            harness.watermark(hour);
        }
        long quietMonth = function.ticksEvaluated();
        // Of the 708 hour boundaries the watermark crossed: the two hours close (11:00, 12:00) and
        // mature past the 2 h reporting delay (13:00, 14:00). The report-less run from 12:00 holds no
        // usage, so no gap can open; no hour of the month can be a drop, since none has four weeks of
        // the key's history before it.
        assertThat(quietMonth).isEqualTo(4);

        // Records in every hour of a day: at least one tick per hour that held records.
        for (int h = 0; h < 24; h++) {
            String at = String.format("2026-04-05T%02d:10:00Z", h);
            usage("busy-" + h, at, "1");
            reported("busy-r-" + h, at, "1");
            harness.watermark(ms(at) + ReconSettings.HOUR_MS);
        }
        assertThat(function.ticksEvaluated() - quietMonth).isGreaterThanOrEqualTo(24);
    }

    @Test
    void copiesOfAnEventWithinTheHorizonCountOnceAndBeyondItTwice() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        usage("u1", "2026-03-10T10:00:00Z", "100"); // exact copy
        usage("u1", "2026-03-11T09:00:00Z", "100"); // 23 h later: still a copy
        usage("u2", "2026-03-10T10:00:00Z", "100");
        usage("u2", "2026-03-11T10:00:01Z", "100"); // 24 h + 1 s later: counts again
        reported("r1", "2026-03-10T10:00:00Z", "100");
        reported("r1", "2026-03-10T10:00:00Z", "100");
        watermark("2026-04-01T06:00:00Z");
        List<AnomalyRecord> out = finals(anomalies());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).actualQuantity).isEqualByComparingTo("300");
        assertThat(out.get(0).reportedQuantity).isEqualByComparingTo("100");
    }

    /**
     * An id keeps {@link Dedup#MAX_COPIES} distinct copies. Four more than that of u1 at one time with
     * quantities 1, 2, ... (the copy rule counts the smallest) and as many of u2 a minute apart (it counts
     * the earliest, 3 at 10:00), sent in rising and in falling order: the same copies count either way.
     */
    @Test
    void anIdWithMoreDistinctCopiesThanItKeepsCountsItsEarliestCopyInAnyArrivalOrder() throws Exception {
        for (boolean falling : new boolean[] {false, true}) {
            harness.close();
            harness = harnessFor(new ReconcileFunction(ReconSettings.defaults()));
            contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
            int copies = Dedup.MAX_COPIES + 4;
            for (int i = 0; i < copies; i++) {
                int k = falling ? copies - 1 - i : i;
                usage("u1", "2026-03-10T10:00:00Z", String.valueOf(k + 1));
                usage(
                        "u2",
                        Instant.parse("2026-03-10T10:00:00Z")
                                .plusSeconds(60L * k)
                                .toString(),
                        k == 0 ? "3" : "1000");
            }
            reported("r1", "2026-03-10T10:00:00Z", "2");
            watermark("2026-04-01T06:00:00Z");

            List<AnomalyRecord> out = finals(anomalies());
            assertThat(out).as("falling %s", falling).hasSize(1);
            assertThat(out.get(0).actualQuantity).as("falling %s", falling).isEqualByComparingTo("4");
            // Rising, the 4 copies of each id after those kept are refused; falling, each earlier copy takes the
            // place of the last one kept, which stops counting.
            java.util.Queue<StreamRecord<DeadLetterRecord>> rejected =
                    harness.getSideOutput(ReconcileFunction.REJECTED);
            assertThat(rejected == null ? 0 : rejected.size())
                    .as("falling %s", falling)
                    .isEqualTo(falling ? 0 : 8);
        }
    }

    @Test
    void aMeterTheContractDoesNotListIsReportedUnmappedNotPriced() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", "storage_gb", "1"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        usage("u2", "2026-03-10T11:00:00Z", "50");
        watermark("2026-04-01T06:00:00Z");
        assertThat(anomalies()).isEmpty();
        List<UnmappedUsage> unmapped = values(harness.getSideOutput(ReconcileFunction.UNMAPPED));
        assertThat(unmapped).hasSize(1);
        assertThat(unmapped.get(0).reason).isEqualTo("meter_not_in_contract");
        assertThat(unmapped.get(0).usageRecords).isEqualTo(2);
        assertThat(unmapped.get(0).usageQuantity).isEqualByComparingTo("150");
    }

    @Test
    void theInvoiceLinesOfAnUnmappedMeterAreCountedOnceTheGraceIsOver() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", "storage_gb", "1"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        invoiceLine("il_1", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 500, "open");
        invoiceLine("il_2", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 300, "void");
        watermark("2026-04-01T06:00:00Z");
        List<UnmappedUsage> rows = values(harness.getSideOutput(ReconcileFunction.UNMAPPED));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).invoiceLines)
                .as("before the invoice grace is over")
                .isZero();
        watermark("2026-04-04T00:00:00Z");
        rows = values(harness.getSideOutput(ReconcileFunction.UNMAPPED));
        assertThat(rows).hasSize(2);
        UnmappedUsage last = rows.get(1);
        assertThat(last.reason).isEqualTo("meter_not_in_contract");
        assertThat(last.usageRecords).isEqualTo(1);
        assertThat(last.invoiceLines).as("the void line counts as absent").isEqualTo(1);
        // A line that arrives later is counted when the period is evaluated again.
        invoiceLine("il_3", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 200, "open");
        watermark("2026-04-04T01:00:00Z");
        rows = values(harness.getSideOutput(ReconcileFunction.UNMAPPED));
        assertThat(rows.get(rows.size() - 1).invoiceLines).isEqualTo(2);
    }

    @Test
    void usageBeforeItsContractIsRebucketedToTheContractsAnchorDay() throws Exception {
        usage("u1", "2026-03-10T10:00:00Z", "100");
        usage("u2", "2026-03-20T10:00:00Z", "100");
        contract(
                """
                {"account_id":"acct_1","version":1,"effective_from":"2026-01-01T00:00:00Z","currency":"usd",
                 "billing_anchor_day":15,
                 "meters":[{"meter":"api_calls","pricing":{"model":"per_unit","unit_amount_decimal":"1"}}]}
                """);
        watermark("2026-04-16T06:00:00Z");
        List<AnomalyRecord> out = anomalies();
        // No reports at all: both periods [Feb 15, Mar 15) and [Mar 15, Apr 15) are under-reported.
        assertThat(out.stream()
                        .filter(a -> a.finalRevision)
                        .map(a -> Instant.ofEpochMilli(a.periodStart).toString())
                        .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("2026-02-15T00:00:00Z", "2026-03-15T00:00:00Z");
        assertThat(out.stream().filter(a -> a.finalRevision).map(a -> a.amountMinor))
                .containsExactly(100L, 100L);
    }

    @Test
    void aRecordLaterThanTheRetentionIsDeadLetteredWithItsReason() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        usage("u1", "2026-05-10T10:00:00Z", "1");
        watermark("2026-06-01T00:00:00Z");
        usage("u-ancient", "2026-01-10T10:00:00Z", "5");
        List<DeadLetterRecord> dead = values(harness.getSideOutput(ReconcileFunction.REJECTED));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).reason).contains("u-ancient").contains("retention 35 d after the period was final");
    }

    @Test
    void aNewContractVersionPricesThePeriodsItAppliesTo() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        contract(Contracts.perUnit(ACCOUNT, 2, "2026-03-01T00:00:00Z", METER, "3"));
        usage("u1", "2026-02-10T10:00:00Z", "100");
        usage("u2", "2026-03-10T10:00:00Z", "100");
        watermark("2026-04-01T06:00:00Z");
        List<AnomalyRecord> finals =
                anomalies().stream().filter(a -> a.finalRevision).toList();
        assertThat(finals)
                .extracting(a -> Instant.ofEpochMilli(a.periodStart) + "=" + a.amountMinor)
                .containsExactlyInAnyOrder("2026-02-01T00:00:00Z=100", "2026-03-01T00:00:00Z=300");
    }

    @Test
    void closedHoursGoToTheHourlyRollup() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        usage("u1", "2026-03-10T10:10:00Z", "7");
        usage("u2", "2026-03-10T10:20:00Z", "3");
        reported("r1", "2026-03-10T10:30:00Z", "10");
        watermark("2026-03-10T11:00:00Z");
        List<HourlyRollup> rollups = values(harness.getSideOutput(ReconcileFunction.ROLLUPS));
        assertThat(rollups).hasSize(1);
        assertThat(rollups.get(0).hourStart).isEqualTo(ms("2026-03-10T10:00:00Z"));
        assertThat(rollups.get(0).actualQuantity).isEqualByComparingTo("10");
        assertThat(rollups.get(0).reportedQuantity).isEqualByComparingTo("10");
        assertThat(rollups.get(0).usageRecords).isEqualTo(2);
        assertThat(rollups.get(0).aggregation).isEqualTo("sum");
        assertThat(rollups.get(0).actualAggregate).isEqualByComparingTo("10");
        assertThat(rollups.get(0).reportedAggregate).isEqualByComparingTo("10");
    }

    @Test
    void theRollupAlsoGivesTheHourUnderTheMetersAggregation() throws Exception {
        // Counted: five events of 2 each against the billing system's summary of the hour, 4 events.
        contract(gapContract("count", "0"));
        for (int i = 1; i <= 5; i++) {
            usage("u" + i, "2026-03-10T10:0" + i + ":00Z", "2");
        }
        harness.processElement(summary("s-10h", "2026-03-10T10:00:00Z", "4", "2026-03-10T11:00:00Z"), 0L);
        watermark("2026-03-10T11:00:00Z");
        HourlyRollup counted =
                values(harness.getSideOutput(ReconcileFunction.ROLLUPS)).get(0);
        assertThat(counted.actualQuantity).isEqualByComparingTo("10");
        assertThat(counted.reportedQuantity).isEqualByComparingTo("4");
        assertThat(counted.reportedRecords).isEqualTo(1);
        assertThat(counted.aggregation).isEqualTo("count");
        assertThat(counted.actualAggregate).isEqualByComparingTo("5");
        assertThat(counted.reportedAggregate).isEqualByComparingTo("4");
    }

    @Test
    void theRollupOfAMaxMeterGivesTheHoursLargestRecord() throws Exception {
        contract(gapContract("max", "0"));
        usage("u1", "2026-03-10T10:10:00Z", "7");
        usage("u2", "2026-03-10T10:20:00Z", "3");
        reported("r1", "2026-03-10T10:30:00Z", "6");
        watermark("2026-03-10T11:00:00Z");
        HourlyRollup max =
                values(harness.getSideOutput(ReconcileFunction.ROLLUPS)).get(0);
        assertThat(max.actualQuantity).isEqualByComparingTo("10");
        assertThat(max.aggregation).isEqualTo("max");
        assertThat(max.actualAggregate).isEqualByComparingTo("7");
        assertThat(max.reportedAggregate).isEqualByComparingTo("6");
    }

    @Test
    void anUnmappedMetersRollupHasItsRawFiguresAndNoAggregates() throws Exception {
        usage("u1", "2026-03-10T10:10:00Z", "7");
        watermark("2026-03-10T11:00:00Z");
        HourlyRollup unmapped =
                values(harness.getSideOutput(ReconcileFunction.ROLLUPS)).get(0);
        assertThat(unmapped.actualQuantity).isEqualByComparingTo("7");
        assertThat(unmapped.aggregation).isNull();
        assertThat(unmapped.actualAggregate).isNull();
        assertThat(unmapped.reportedAggregate).isNull();
    }

    @Test
    void reportedUsageWithoutAnInvoiceLineAfterTheGraceIsUnbilled() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "2"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        reported("r1", "2026-03-10T10:05:00Z", "100");
        watermark("2026-04-03T23:00:00Z");
        assertThat(anomalies()).isEmpty();
        watermark("2026-04-04T00:00:00Z"); // period end + 72 h
        List<AnomalyRecord> out = anomalies();
        assertThat(out)
                .extracting(a -> a.type + ":" + a.amountMinor + ":" + a.status + ":" + a.finalRevision)
                .containsExactly("UNBILLED_USAGE:200:open:true");
        assertThat(out.get(0).billedAmountMinor).isNull();

        // The invoice arrives late: the anomaly resolves, and the line is counted as late.
        invoiceLine("il_1", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 200, "open");
        watermark("2026-04-04T01:00:00Z");
        assertThat(anomalies())
                .extracting(a -> a.type + ":" + a.status + ":" + a.revision)
                .containsExactly("UNBILLED_USAGE:resolved:2");
    }

    @Test
    void aLineThatMovesToAnotherPeriodAfterItsPeriodIsFinalLeavesThatPeriodUnbilled() throws Exception {
        marchFinalAndBilledAsReported();

        // The line's correction bills April: March, final, has no line any more.
        invoiceLine("il_1", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", 200, "open");
        watermark("2026-04-04T01:00:00Z");
        assertThat(anomalies())
                .extracting(a -> a.type + ":" + a.periodStart + ":" + a.amountMinor + ":" + a.finalRevision)
                .containsExactly("UNBILLED_USAGE:" + ms("2026-03-01T00:00:00Z") + ":200:true");
    }

    @Test
    void aLineThatLeavesForAnotherMeterAfterItsPeriodIsFinalLeavesThatPeriodUnbilled() throws Exception {
        marchFinalAndBilledAsReported();

        // InvoiceLineOwners tells this key that the line's latest record bills another meter.
        MeterEvent gone = invoice("il_1", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 200, "open");
        gone.status = MeterEvent.LINE_ELSEWHERE;
        harness.processElement(gone, gone.eventTime);
        watermark("2026-04-04T01:00:00Z");
        assertThat(anomalies())
                .extracting(a -> a.type + ":" + a.amountMinor + ":" + a.billedAmountMinor + ":" + a.finalRevision)
                .containsExactly("UNBILLED_USAGE:200:null:true");
    }

    /** March: 100 calls at 2 cents used and reported, line il_1 bills 200; final, with no anomaly. */
    private void marchFinalAndBilledAsReported() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "2"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        reported("r1", "2026-03-10T10:05:00Z", "100");
        invoiceLine("il_1", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 200, "open");
        watermark("2026-04-04T00:00:00Z");
        assertThat(anomalies()).isEmpty();
    }

    @Test
    void aLineThatStandsElsewhereLeavesNoStateAtAKeyThatNeverHeldIt() throws Exception {
        ReconcileFunction function = withFunctionAtHand();
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "2"));
        watermark("2026-03-02T00:00:00Z");
        // An earlier record of a line whose later record bills another meter: InvoiceLineOwners sends it
        // here as elsewhere. It is counted, and this key, which holds nothing, keeps nothing.
        MeterEvent gone = invoice("il_1", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 200, "open");
        gone.status = MeterEvent.LINE_ELSEWHERE;
        harness.processElement(gone, gone.eventTime);
        assertThat(keyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(function.counterTotals()).containsEntry("invoices.duplicates", 1L);
        watermark("2026-06-01T00:00:00Z");
        assertThat(anomalies()).isEmpty();
    }

    @Test
    void aRecordTurnedAwayLeavesNoStateAtAKeyWithoutPeriods() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "2"));
        watermark("2026-09-01T00:00:00Z");
        // Later than the retention: usage, and an invoice line, of a January the key never held.
        usage("u-ancient", "2026-01-10T10:00:00Z", "5");
        assertThat(keyedStateEntries()).isZero();
        invoiceLine("il_old", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", 200, "open");
        assertThat(keyedStateEntries()).isZero();
        // A line of an open period in another currency than the contract.
        MeterEvent line = invoice("il_eur", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", 200, "open");
        line.currency = "eur";
        harness.processElement(line, line.eventTime);
        assertThat(keyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(values(harness.getSideOutput(ReconcileFunction.REJECTED))).hasSize(3);

        // A key that holds a period keeps its anchor when a record is turned away.
        usage("u1", "2026-09-01T10:00:00Z", "1");
        usage("u-ancient-2", "2026-01-11T10:00:00Z", "5");
        assertThat(keyedStateEntries()).isPositive();
        assertThat(values(harness.getSideOutput(ReconcileFunction.REJECTED))).hasSize(4);
    }

    @Test
    void billingLessThanTheReportedUsageIsAMissedOverageAndMoreIsOverbilled() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "2"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        reported("r1", "2026-03-10T10:05:00Z", "100");
        invoiceLine("il_1", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 150, "open");
        invoiceLine("il_2", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 30, "draft");
        invoiceLine("il_3", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 999, "void");
        watermark("2026-04-01T06:00:00Z"); // metering final: billing compared, not yet final
        List<AnomalyRecord> out = anomalies();
        assertThat(out)
                .extracting(a -> a.type + ":" + a.amountMinor + ":" + a.billedAmountMinor + ":" + a.finalRevision)
                .containsExactly("MISSED_OVERAGE:20:180:false");

        // il_2 is replaced by a later record of the same line: billed 150 + 80 = 230 > 200.
        invoiceLine("il_2", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 80, "paid");
        watermark("2026-04-01T07:00:00Z");
        out = anomalies();
        assertThat(out)
                .extracting(a -> a.type + ":" + a.status + ":" + a.amountMinor)
                .containsExactlyInAnyOrder("MISSED_OVERAGE:resolved:0", "OVERBILLED:open:30");
        watermark("2026-04-04T00:00:00Z");
        assertThat(anomalies())
                .extracting(a -> a.type + ":" + a.status + ":" + a.finalRevision)
                .containsExactlyInAnyOrder("MISSED_OVERAGE:resolved:true", "OVERBILLED:updated:true");
    }

    @Test
    void aMeteringAnomalyCarriesWhatItsPeriodBilledOnceItsMeteringSideIsFinal() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "2"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        reported("r1", "2026-03-10T10:05:00Z", "60");
        invoiceLine("il_1", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 100, "draft");
        invoiceLine("il_2", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 999, "void");
        watermark("2026-03-10T14:00:00Z");
        // Open: metering alone is compared, whatever lines the period already has.
        assertThat(anomalies())
                .extracting(a -> a.type + ":" + a.amountMinor + ":" + a.billedAmountMinor + ":" + a.finalRevision)
                .containsExactly("UNDER_REPORTED_USAGE:80:null:false");

        watermark("2026-04-01T06:00:00Z"); // metering final: the non-void line's 100 on every type
        assertThat(anomalies())
                .extracting(a -> a.type + ":" + a.amountMinor + ":" + a.billedAmountMinor + ":" + a.finalRevision)
                .containsExactlyInAnyOrder("UNDER_REPORTED_USAGE:80:100:true", "MISSED_OVERAGE:20:100:false");

        // A line within the invoice grace: a new final revision of the under-reporting with the new total.
        invoiceLine("il_3", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 20, "open");
        watermark("2026-04-01T07:00:00Z");
        assertThat(anomalies())
                .extracting(a -> a.type + ":" + a.status + ":" + a.amountMinor + ":" + a.billedAmountMinor)
                .containsExactlyInAnyOrder("UNDER_REPORTED_USAGE:updated:80:120", "MISSED_OVERAGE:resolved:0:120");
        watermark("2026-04-04T00:00:00Z");
        assertThat(anomalies()).extracting(a -> a.type + ":" + a.status).containsExactly("MISSED_OVERAGE:resolved");
    }

    @Test
    void billingThePreRenewalPriceAfterTheTermEndIsRenewalDrift() throws Exception {
        contract(
                """
                {"account_id":"acct_1","version":1,"effective_from":"2026-01-01T00:00:00Z","currency":"usd",
                 "renewal":{"term_end":"2026-03-01T00:00:00Z","escalator_pct":"10"},
                 "meters":[{"meter":"api_calls","pricing":{"model":"per_unit","unit_amount_decimal":"2"}}]}
                """);
        usage("u1", "2026-03-10T10:00:00Z", "100");
        reported("r1", "2026-03-10T10:05:00Z", "100");
        // Escalated: 100 x 2.2 = 220; billed the old 200.
        invoiceLine("il_1", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 200, "open");
        watermark("2026-04-04T00:00:00Z");
        List<AnomalyRecord> finals = finals(anomalies());
        assertThat(finals)
                .extracting(a -> a.type + ":" + a.amountMinor + ":" + a.pricedReportedAmountMinor)
                .containsExactly("RENEWAL_DRIFT:20:220");
        assertThat(finals.get(0).explanation).contains("billed $2.00").doesNotContain("too much");
    }

    @Test
    void anInvoiceLineInAnotherCurrencyThanItsContractIsRejectedOnArrivalOnceTheContractsAreRead() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "2"));
        watermark("2026-03-02T00:00:00Z"); // the contracts input has been read
        MeterEvent line = invoice("il_1", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 200, "open");
        line.currency = "eur";
        harness.processElement(line, line.eventTime);
        List<DeadLetterRecord> dead = values(harness.getSideOutput(ReconcileFunction.REJECTED));
        assertThat(dead)
                .extracting(d -> d.reason)
                .containsExactly("invoice line il_1 is in eur but the contract of acct_1 is in usd");
    }

    /**
     * Held lines are taken in as of their arrival, before the first watermark, however far that
     * watermark jumps (here past July's release, as when the metering input of a replay is read before
     * the invoice input has sent anything): a line is not too late for a period whose records came
     * before any watermark.
     */
    @Test
    void linesHeldUntilAFirstWatermarkFarAheadAreTakenInAsOfTheirArrival() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-06-01T00:00:00Z", METER, "1"));
        invoiceLine("il_7", "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z", 700, "open");
        invoiceLine("il_10", "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", 1000, "open");

        watermark("2026-12-31T00:00:00Z");

        assertThat(harness.getSideOutput(ReconcileFunction.REJECTED)).isNull();
        assertThat(finals(anomalies()))
                .extracting(a -> a.type + ":" + Instant.ofEpochMilli(a.periodStart) + ":" + a.amountMinor)
                .containsExactlyInAnyOrder(
                        "OVERBILLED:2026-07-01T00:00:00Z:700", "OVERBILLED:2026-10-01T00:00:00Z:1000");
    }

    /**
     * Before the first watermark the contracts input may still be on its way (it holds the watermark
     * until it has been read): a line is held, and judged at the first watermark against every version
     * then known, here one that moved the account to euros after the line came.
     */
    @Test
    void aLineThatCameBeforeTheVersionOfItsCurrencyIsJudgedByThatVersion() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2025-06-01T00:00:00Z", METER, "1"));
        usage("u1", "2026-02-10T10:00:00Z", "100");
        reported("r1", "2026-02-10T10:00:00Z", "100");
        MeterEvent eur = invoice("il_eur", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", 100, "open");
        eur.currency = "eur";
        harness.processElement(eur, eur.eventTime);
        MeterEvent usd = invoice("il_usd", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", 100, "open");
        harness.processElement(usd, usd.eventTime);
        assertThat(harness.getSideOutput(ReconcileFunction.REJECTED)).isNull();
        contract(Contracts.perUnit(ACCOUNT, 2, "2026-02-01T00:00:00Z", METER, "1")
                .replace("usd", "eur"));

        watermark("2026-03-10T00:00:00Z"); // February's billing is final

        assertThat(values(harness.getSideOutput(ReconcileFunction.REJECTED)))
                .extracting(d -> d.reason)
                .containsExactly("invoice line il_usd is in usd but the contract of acct_1 is in eur");
        assertThat(anomalies()).isEmpty(); // 100 used, reported and billed in euros
    }

    @Test
    void usageThatStopsBeingReportedRaisesAGrowingReportingGapThatSettlesOnceReportsResumed() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        Instant day = Instant.parse("2026-03-02T00:00:00Z");
        // Usage until 22:00 (usage after the last report would open a gap of its own).
        for (int h = 0; h < 23; h++) {
            String t = day.plusSeconds(h * 3600L + 600).toString();
            usage("u" + h, t, "10");
            if (h < 12) {
                reported("r" + h, t, "10");
            }
        }
        watermark("2026-03-02T19:00:00Z");
        assertThat(signals(anomalies(), "REPORTING_GAP")).isEmpty();

        // At 20:00 the 6 h window before the 2 h reporting delay, [12:00, 18:00), is unreported.
        watermark("2026-03-02T20:00:00Z");
        List<AnomalyRecord> gaps = signals(anomalies(), "REPORTING_GAP");
        assertThat(gaps).hasSize(1);
        AnomalyRecord gap = gaps.get(0);
        assertThat(gap.status).isEqualTo("open");
        assertThat(gap.periodStart).isEqualTo(ms("2026-03-02T12:00:00Z"));
        assertThat(gap.periodEnd).isEqualTo(ms("2026-03-02T18:00:00Z"));
        assertThat(gap.actualQuantity).isEqualByComparingTo("60");
        assertThat(gap.amountMinor).isEqualTo(60);
        assertThat(gap.finalRevision).isFalse();
        assertThat(gap.explanation)
                .isEqualTo("api_calls for acct_1: from 2026-03-02 12:00 UTC to 2026-03-02 18:00 UTC, 60 used and 0"
                        + " reported; the metering pipeline stopped reporting, $0.60 of usage unreported so far.");

        watermark("2026-03-02T21:00:00Z");
        assertThat(signals(anomalies(), "REPORTING_GAP"))
                .extracting(a -> a.revision + ":" + a.amountMinor)
                .containsExactly("2:70");

        // Reporting resumes at 22:00 (without backfilling the gap): the gap's span ends there, at 10 hours.
        // Its last hour's usage (21:10) is younger than the 2 h reporting delay at 23:00, so it is priced
        // at the tick of midnight, as every hour's usage is.
        reported("r22", "2026-03-02T22:10:00Z", "10");
        watermark("2026-03-02T23:00:00Z");
        assertThat(signals(anomalies(), "REPORTING_GAP"))
                .extracting(a -> a.revision + ":" + a.status + ":" + a.amountMinor + ":" + a.finalRevision + ":"
                        + Instant.ofEpochMilli(a.periodEnd))
                .containsExactly("3:updated:80:false:2026-03-02T20:00:00Z", "4:updated:90:false:2026-03-02T21:00:00Z");
        watermark("2026-03-03T00:00:00Z");
        assertThat(signals(anomalies(), "REPORTING_GAP"))
                .extracting(a -> a.revision + ":" + a.amountMinor + ":" + Instant.ofEpochMilli(a.periodEnd))
                .containsExactly("5:100:2026-03-02T22:00:00Z");

        // Final once the watermark passes its end + the allowed lateness (6 h), with no record since.
        watermark("2026-03-03T03:00:00Z");
        assertThat(signals(anomalies(), "REPORTING_GAP")).isEmpty();
        watermark("2026-03-03T04:00:00Z");
        assertThat(signals(anomalies(), "REPORTING_GAP"))
                .extracting(a -> a.revision + ":" + a.status + ":" + a.amountMinor + ":" + a.finalRevision)
                .containsExactly("6:updated:100:true");

        // The pipeline backfills the gap's hours later: resolved, and final it stays.
        for (int h = 12; h < 22; h++) {
            reported("r" + h, day.plusSeconds(h * 3600L + 600).toString(), "10");
        }
        watermark("2026-03-03T05:00:00Z");
        assertThat(signals(anomalies(), "REPORTING_GAP"))
                .extracting(a -> a.revision + ":" + a.status + ":" + a.finalRevision)
                .containsExactly("7:resolved:true");
        watermark("2026-04-01T06:00:00Z");
        assertThat(signals(anomalies(), "REPORTING_GAP")).isEmpty();
    }

    @Test
    void aReportingGapIsPricedOnTopOfTheUsageBeforeItIncludingALateRecordThere() throws Exception {
        // 150 units included: the gap's amount depends on the usage before it (120, later 140).
        contract(gapContract("sum", "150"));
        gapDayWithReportsUntilNoon(h -> "10");

        watermark("2026-03-02T20:00:00Z");
        // Gap [12:00, 18:00) uses 60: price(120 + 60) - price(120) = 30 - 0.
        assertThat(gapRevisions()).containsExactly("1:60:30");
        watermark("2026-03-02T21:00:00Z");
        // [12:00, 19:00) uses 70: price(190) - price(120) = 40.
        assertThat(signals(anomalies(), "REPORTING_GAP"))
                .extracting(a -> a.revision + ":" + a.amountMinor)
                .containsExactly("2:40");

        // A late record in hour 03, before the gap: the usage before it is now 140.
        usage("late-03", "2026-03-02T03:30:00Z", "20");
        watermark("2026-03-02T22:00:00Z");
        // [12:00, 20:00) uses 80: price(220) - price(140) = 70 - 0.
        assertThat(gapRevisions()).containsExactly("3:80:70");
    }

    @Test
    void aReportingGapOfCountedUsageIsPricedOnTopOfTheRecordsBeforeIt() throws Exception {
        // Records are counted; 15 included: 12 records before the gap, 13 after a late one.
        contract(gapContract("count", "15"));
        gapDayWithReportsUntilNoon(h -> "7.5");

        watermark("2026-03-02T20:00:00Z");
        // 6 records in the gap: price(18) - price(12) = 3 - 0.
        assertThat(gapRevisions()).containsExactly("1:6:3");
        usage("late-03", "2026-03-02T03:30:00Z", "7.5");
        watermark("2026-03-02T22:00:00Z");
        // 8 records in [12:00, 20:00): price(21) - price(13) = 6 - 0 (without the late record, 5).
        assertThat(signals(anomalies(), "REPORTING_GAP"))
                .extracting(a -> a.revision + ":" + a.amountMinor)
                .containsExactly("2:5", "3:6");
    }

    @Test
    void aSummaryOfACountedMeterCountsItsQuantityAndItsRevisionReplacesIt() throws Exception {
        // 1 cent a record. Five events used in one hour; the billing system's summary of that hour
        // first says 3, then (revised later) 4: one record under-reported, not four.
        contract(gapContract("count", "0"));
        for (int i = 0; i < 5; i++) {
            usage("u" + i, "2026-03-10T10:0" + i + ":00Z", "2.5");
        }
        harness.processElement(summary("s-10h", "2026-03-10T10:00:00Z", "3", "2026-03-10T11:00:00Z"), 0L);
        harness.processElement(summary("s-10h", "2026-03-10T10:00:00Z", "4", "2026-03-10T12:00:00Z"), 0L);
        // A summary of an hour without usage that says nothing was used counts nothing.
        harness.processElement(summary("s-11h", "2026-03-10T11:00:00Z", "0", "2026-03-10T12:00:00Z"), 0L);

        watermark("2026-04-01T06:00:00Z");
        List<AnomalyRecord> out = finals(anomalies());
        assertThat(out).singleElement().satisfies(a -> {
            assertThat(a.type).isEqualTo("UNDER_REPORTED_USAGE");
            assertThat(a.actualQuantity).isEqualByComparingTo("5");
            assertThat(a.reportedQuantity).isEqualByComparingTo("4");
            assertThat(a.amountMinor).isEqualTo(1);
        });

        // The summary revised once more to what was used: the anomaly resolves.
        harness.processElement(summary("s-10h", "2026-03-10T10:00:00Z", "5", "2026-03-10T13:00:00Z"), 0L);
        watermark("2026-04-01T07:00:00Z");
        assertThat(anomalies()).singleElement().satisfies(a -> {
            assertThat(a.status).isEqualTo("resolved");
            assertThat(a.reportedQuantity).isEqualByComparingTo("5");
        });
    }

    @Test
    void aReportIdThatComesAsAnEventAndAsASummaryCountsOnceInEachKind() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        usage("u1", "2026-03-10T10:00:00Z", "20");
        reported("r-1", "2026-03-10T10:05:00Z", "10");
        reported("r-1", "2026-03-10T10:05:00Z", "10");
        harness.processElement(summary("r-1", "2026-03-10T10:00:00Z", "10", "2026-03-10T12:00:00Z"), 0L);

        watermark("2026-04-01T06:00:00Z");
        // The event's copy is a duplicate; the summary is another record: 20 reported for 20 used.
        assertThat(finals(anomalies())).isEmpty();
    }

    private static MeterEvent summary(String id, String hour, String quantity, String updatedAt) {
        MeterEvent e = MeterEvent.reported(id, ACCOUNT, METER, ms(hour), new BigDecimal(quantity));
        e.summary = true;
        e.updatedAt = ms(updatedAt);
        return e;
    }

    @Test
    void aReportingGapOfMaximumUsageIsPricedOnTopOfTheMaximumBeforeIt() throws Exception {
        // The maximum cannot be subtracted from the period's: the hours before the gap are read.
        contract(gapContract("max", "5"));
        // 8 before the gap, 12 in it: price(max(8, 12)) - price(8) = 7 - 3.
        gapDayWithReportsUntilNoon(h -> h < 12 ? "8" : "12");
        watermark("2026-03-02T20:00:00Z");
        assertThat(signals(anomalies(), "REPORTING_GAP"))
                .extracting(a -> a.revision + ":" + a.amountMinor)
                .containsExactly("1:4");
    }

    /**
     * Usage of {@code quantityOfHour} at :10 of every hour of 2 March, reported (the same quantity) only
     * in the hours before noon.
     */
    private void gapDayWithReportsUntilNoon(IntFunction<String> quantityOfHour) throws Exception {
        Instant day = Instant.parse("2026-03-02T00:00:00Z");
        for (int h = 0; h < 24; h++) {
            String t = day.plusSeconds(h * 3600L + 600).toString();
            usage("u" + h, t, quantityOfHour.apply(h));
            if (h < 12) {
                reported("r" + h, t, quantityOfHour.apply(h));
            }
        }
    }

    /** "revision:actual quantity:amount" of each REPORTING_GAP revision emitted since the last call. */
    private List<String> gapRevisions() throws Exception {
        return signals(anomalies(), "REPORTING_GAP").stream()
                .map(a ->
                        a.revision + ":" + a.actualQuantity.stripTrailingZeros().toPlainString() + ":" + a.amountMinor)
                .toList();
    }

    /** 1 cent per unit above {@code included}, aggregated with {@code aggregation}. */
    private static String gapContract(String aggregation, String included) {
        return """
                {"account_id":"%s","version":1,"effective_from":"2026-01-01T00:00:00Z","currency":"usd",
                 "meters":[{"meter":"%s","aggregation":"%s","included_quantity":"%s",
                   "pricing":{"model":"per_unit","unit_amount_decimal":"1"}}]}
                """
                .formatted(ACCOUNT, METER, aggregation, included);
    }

    @Test
    void anHourFarFromItsSeasonalBaselineIsASpikeAndARunOfLowHoursADrop() throws Exception {
        // One record per hour, judged with the defaults.
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        Instant start = Instant.parse("2026-02-01T00:00:00Z");
        Instant spikeHour = Instant.parse("2026-03-03T10:00:00Z");
        Instant dropHour = Instant.parse("2026-03-03T13:00:00Z");
        for (Instant h = start; h.isBefore(Instant.parse("2026-04-01T00:00:00Z")); h = h.plusSeconds(3600)) {
            boolean low = !h.isBefore(dropHour) && h.isBefore(dropHour.plusSeconds(2 * 3600));
            String q = h.equals(spikeHour) ? "100" : low ? "1" : "10";
            usage("u" + h, h.plusSeconds(60).toString(), q);
            reported("r" + h, h.plusSeconds(60).toString(), q);
        }
        watermark("2026-03-03T10:00:00Z");
        assertThat(signals(anomalies(), "USAGE_SPIKE", "USAGE_DROP")).isEmpty();
        watermark("2026-03-03T11:00:00Z");
        List<AnomalyRecord> spikes = signals(anomalies(), "USAGE_SPIKE", "USAGE_DROP");
        assertThat(spikes).hasSize(1);
        assertThat(spikes.get(0).type).isEqualTo("USAGE_SPIKE");
        assertThat(spikes.get(0).periodStart).isEqualTo(spikeHour.toEpochMilli());
        assertThat(spikes.get(0).amountMinor).isZero();
        assertThat(spikes.get(0).explanation)
                .isEqualTo("api_calls for acct_1 in the hour from 2026-03-03 10:00 UTC: 100 used, against a usual 10"
                        + " for that hour of the week (median of the previous 4 weeks); an unusual spike.");
        // A record a tenth of the usual size is far outside what a record's size varies by (sizes are not
        // believed steadier than a coefficient of variation of 0.25): the drop is raised from its first hour.
        watermark("2026-03-03T13:00:00Z");
        assertThat(signals(anomalies(), "USAGE_SPIKE", "USAGE_DROP")).isEmpty();
        watermark("2026-03-03T14:00:00Z");
        assertThat(signals(anomalies(), "USAGE_SPIKE", "USAGE_DROP"))
                .extracting(a -> a.type + "@" + Instant.ofEpochMilli(a.periodStart))
                .containsExactly("USAGE_DROP@2026-03-03T13:00:00Z");
        // The drop's second hour extends it; both settle when March is final; nothing else in two months
        // of steady usage was flagged.
        watermark("2026-04-01T06:00:00Z");
        assertThat(signals(anomalies(), "USAGE_SPIKE", "USAGE_DROP"))
                .extracting(a -> a.type + ":" + a.status + ":" + a.finalRevision)
                .containsExactlyInAnyOrder(
                        "USAGE_DROP:updated:false", "USAGE_SPIKE:updated:true", "USAGE_DROP:updated:true");
    }

    @Test
    void consecutiveDropHoursAreOneEpisode() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        Instant start = Instant.parse("2026-02-01T00:00:00Z");
        Instant outage = Instant.parse("2026-03-03T10:00:00Z");
        for (Instant h = start; h.isBefore(Instant.parse("2026-03-03T20:00:00Z")); h = h.plusSeconds(3600)) {
            boolean down = !h.isBefore(outage) && h.isBefore(outage.plusSeconds(3 * 3600));
            usage("u" + h, h.plusSeconds(60).toString(), down ? "0" : "10");
            reported("r" + h, h.plusSeconds(60).toString(), down ? "0" : "10");
        }
        watermark("2026-03-03T20:00:00Z");
        List<AnomalyRecord> drops = signals(anomalies(), "USAGE_DROP");
        assertThat(drops)
                .extracting(a ->
                        a.revision + ":" + a.actualQuantity.stripTrailingZeros().toPlainString())
                .containsExactly("1:0", "2:0", "3:0");
        assertThat(drops).extracting(a -> a.anomalyId).containsOnly(drops.get(0).anomalyId);
        // A record of 0 where records of 10 are usual is a drop from its first hour; each hour extends it.
        assertThat(drops.get(0).periodStart).isEqualTo(ms("2026-03-03T10:00:00Z"));
        assertThat(drops.get(2).periodEnd).isEqualTo(ms("2026-03-03T13:00:00Z"));
        assertThat(drops.get(2).explanation)
                .isEqualTo("api_calls for acct_1 from 2026-03-03 10:00 UTC to 2026-03-03 13:00 UTC: 0 used, against a"
                        + " usual 30 for those hours of the week (median of the previous 4 weeks); an unusual drop.");
    }

    @Test
    void aSparseKeysTenfoldHourIsASpikeWithTheDefaults() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        Instant start = Instant.parse("2026-02-01T00:00:00Z");
        Instant spikeHour = Instant.parse("2026-03-03T10:00:00Z");
        for (Instant h = start; h.isBefore(Instant.parse("2026-03-03T12:00:00Z")); h = h.plusSeconds(3600)) {
            String q = h.equals(spikeHour) ? "100" : "10";
            usage("u" + h, h.plusSeconds(60).toString(), q);
            reported("r" + h, h.plusSeconds(60).toString(), q);
        }
        watermark("2026-03-03T12:00:00Z");
        // One record an hour: the key's own variation is small, tenfold is far outside it.
        assertThat(signals(anomalies(), "USAGE_SPIKE", "USAGE_DROP"))
                .extracting(a -> a.type + "@" + Instant.ofEpochMilli(a.periodStart))
                .containsExactly("USAGE_SPIKE@2026-03-03T10:00:00Z");
    }

    @Test
    void aDenseKeysSpikeIsJudgedWithTheDefaultEvidence() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        Instant start = Instant.parse("2026-02-01T10:00:00Z");
        Instant spikeHour = Instant.parse("2026-03-03T10:00:00Z");
        // 20 records in the 10:00 hour of every day.
        for (Instant d = start; !d.isAfter(spikeHour); d = d.plusSeconds(24 * 3600)) {
            String q = d.equals(spikeHour) ? "50" : "1";
            for (int i = 0; i < 20; i++) {
                String t = d.plusSeconds(60L * i + 30).toString();
                usage("u" + d + i, t, q);
                reported("r" + d + i, t, q);
            }
        }
        watermark("2026-03-03T11:00:00Z");
        assertThat(signals(anomalies(), "USAGE_SPIKE", "USAGE_DROP"))
                .extracting(a -> a.type + "@" + Instant.ofEpochMilli(a.periodStart) + "="
                        + a.actualQuantity.stripTrailingZeros().toPlainString())
                .containsExactly("USAGE_SPIKE@2026-03-03T10:00:00Z=1000");
    }

    @Test
    void aPeriodThatCannotBePricedIsDeadLetteredOnceAndTheKeyKeepsRunning() throws Exception {
        // 10^18 minor units per unit: any usage is beyond a long of minor units.
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1000000000000000000"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        watermark("2026-03-10T14:00:00Z");
        usage("u2", "2026-03-10T15:00:00Z", "100");
        watermark("2026-04-01T06:00:00Z");
        List<DeadLetterRecord> dead = values(harness.getSideOutput(ReconcileFunction.REJECTED));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).reason)
                .startsWith("cannot price api_calls of acct_1 for the period from 2026-03-01T00:00:00Z")
                .contains("does not fit in a long");
        // The key still closed its period: the rollup of the last hour and the timers moved on.
        assertThat(values(harness.getSideOutput(ReconcileFunction.ROLLUPS)))
                .extracting(r -> Instant.ofEpochMilli(r.hourStart).toString())
                .contains("2026-03-10T15:00:00Z");
    }

    @Test
    void anAnomalyWhosePeriodCanNoLongerBePricedIsResolvedAndFinalNotLeftOpen() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        // Unreported usage worth 9 * (10^18 - 1) minor units: still a long.
        for (int d = 1; d <= 9; d++) {
            usage("u" + d, "2026-03-0" + d + "T10:00:00Z", "999999999999999999");
        }
        watermark("2026-03-09T14:00:00Z");
        List<AnomalyRecord> open = anomalies();
        assertThat(open).extracting(a -> a.type + ":" + a.finalRevision).containsOnly("UNDER_REPORTED_USAGE:false");
        assertThat(open.get(open.size() - 1).amountMinor).isEqualTo(9 * 999_999_999_999_999_999L);
        // The tenth record takes the period's price past a long: dead-lettered, and the anomaly closes.
        usage("u10", "2026-03-10T10:00:00Z", "999999999999999999");
        watermark("2026-04-01T06:00:00Z");
        assertThat(values(harness.getSideOutput(ReconcileFunction.REJECTED)))
                .singleElement()
                .satisfies(d -> assertThat(d.reason).startsWith("cannot price api_calls of acct_1"));
        List<AnomalyRecord> out = anomalies();
        assertThat(out).isNotEmpty();
        assertThat(out.get(out.size() - 1))
                .extracting(a -> a.type + ":" + a.status + ":" + a.finalRevision)
                .isEqualTo("UNDER_REPORTED_USAGE:resolved:true");
        assertThat(out.get(out.size() - 1).explanation)
                .isEqualTo("api_calls for acct_1 in March 2026: 8,999,999,999,999,999,991 used, 0 reported; its amounts"
                        + " no longer fit in a 64-bit count of minor units, so the period cannot be priced (see the"
                        + " dead letter) and the anomaly is withdrawn.");
    }

    @Test
    void linesThatCannotBeAddedUpWithdrawTheBillingChecksAndLeaveTheMeteringLeak() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        usage("u1", "2026-03-10T10:00:00Z", "2000");
        reported("r1", "2026-03-10T10:05:00Z", "1000");
        // Ten lines, each within the input limit, add up past a long of minor units.
        for (int i = 0; i < 10; i++) {
            invoiceLine("il_" + i, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 999_999_999_999_999_999L, "open");
        }
        watermark("2026-04-05T00:00:00Z");
        assertThat(values(harness.getSideOutput(ReconcileFunction.REJECTED)))
                .singleElement()
                .satisfies(d -> assertThat(d.reason).startsWith("cannot price api_calls of acct_1"));
        List<AnomalyRecord> out = anomalies();
        AnomalyRecord last = out.get(out.size() - 1);
        assertThat(out).extracting(a -> a.type).containsOnly("UNDER_REPORTED_USAGE");
        // Usage against reports alone: 1,000 unreported units at 1 minor unit each, final, no billed figure.
        assertThat(last.status + ":" + last.finalRevision + ":" + last.amountMinor + ":" + last.billedAmountMinor)
                .matches("(open|updated):true:1000:null");
    }

    @Test
    void aLineInAnotherCurrencyThatArrivedBeforeItsContractIsRejectedWhenBillingIsCompared() throws Exception {
        MeterEvent line = invoice("il_eur", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 200, "open");
        line.currency = "eur";
        harness.processElement(line, line.eventTime);
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "2"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        reported("r1", "2026-03-10T10:05:00Z", "100");
        watermark("2026-04-04T00:00:00Z");
        assertThat(values(harness.getSideOutput(ReconcileFunction.REJECTED)))
                .extracting(d -> d.reason)
                .containsExactly("invoice line il_eur is in eur but the contract of acct_1 is in usd");
        // Without a line in its currency, the period is unbilled.
        assertThat(signals(anomalies(), "UNBILLED_USAGE"))
                .extracting(a -> a.amountMinor)
                .containsExactly(200L);
    }

    // ---------------------------------------------------------------------------------------------

    private static List<AnomalyRecord> signals(List<AnomalyRecord> revisions, String... types) {
        List<String> wanted = List.of(types);
        return revisions.stream().filter(a -> wanted.contains(a.type)).toList();
    }

    private void invoiceLine(String lineId, String start, String end, long amountMinor, String status)
            throws Exception {
        MeterEvent e = invoice(lineId, start, end, amountMinor, status);
        harness.processElement(e, e.eventTime);
    }

    private static MeterEvent invoice(String lineId, String start, String end, long amountMinor, String status) {
        return LineRecords.line(lineId, ACCOUNT, METER, ms(start), ms(end), amountMinor, "usd", status);
    }

    void contract(String json) throws Exception {
        harness.processBroadcastElement(Contracts.event(json), 0L);
    }

    void usage(String id, String time, String quantity) throws Exception {
        harness.processElement(MeterEvent.usage(id, ACCOUNT, METER, ms(time), new BigDecimal(quantity)), ms(time));
    }

    void reported(String id, String time, String quantity) throws Exception {
        harness.processElement(MeterEvent.reported(id, ACCOUNT, METER, ms(time), new BigDecimal(quantity)), ms(time));
    }

    void watermark(String time) throws Exception {
        harness.watermark(ms(time));
    }

    /** The anomaly revisions emitted since the last call. */
    List<AnomalyRecord> anomalies() {
        List<AnomalyRecord> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    private static List<AnomalyRecord> finals(List<AnomalyRecord> revisions) {
        return revisions.stream().filter(a -> a.finalRevision).toList();
    }

    static <X> List<X> values(java.util.Queue<StreamRecord<X>> records) {
        return records.stream().map(StreamRecord::getValue).toList();
    }

    private int keyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    private static long ms(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }
}
