package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.ForecastRecord;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.Contracts;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A spike and a drop, a period-end forecast and an upsell opportunity in the operator harness: each is
 * raised, and once its period (and the period after it, whose baselines read it) is released, the key
 * keeps no state entry and no timer. Defaults: reporting delay 2 h, allowed lateness 6 h, invoice grace
 * 72 h, retention 35 days.
 */
class SignalsReleaseTest {

    private static final String ACCOUNT = "acct_1";
    private static final String METER = "api_calls";

    private KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> harness;

    @BeforeEach
    void open() throws Exception {
        open(ReconSettings.defaults());
    }

    private void open(ReconSettings settings) throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ReconcileFunction(settings), MeterEvent::key, Types.STRING, ReconcileFunction.CONTRACTS);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aSpikeAndADropLeaveNoStateOrTimerOnceTheirPeriodIsReleased() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        Instant spike = Instant.parse("2026-03-03T10:00:00Z");
        Instant drop = Instant.parse("2026-03-03T13:00:00Z");
        for (Instant h = Instant.parse("2026-02-01T00:00:00Z");
                h.isBefore(Instant.parse("2026-04-01T00:00:00Z"));
                h = h.plusSeconds(3600)) {
            boolean low = !h.isBefore(drop) && h.isBefore(drop.plusSeconds(3 * 3600));
            String q = h.equals(spike) ? "100" : low ? "1" : "10";
            record(h.plusSeconds(60).toString(), q);
        }
        watermark("2026-04-01T06:00:00Z");
        List<AnomalyRecord> out = anomalies();
        assertThat(out)
                .filteredOn(a -> a.finalRevision && a.type.startsWith("USAGE_"))
                .extracting(a -> a.type + "@" + Instant.ofEpochMilli(a.periodStart))
                .containsExactlyInAnyOrder("USAGE_SPIKE@2026-03-03T10:00:00Z", "USAGE_DROP@2026-03-03T13:00:00Z");
        assertThat(keyedStateEntries()).isPositive();

        releaseEverything();
    }

    private static final Instant INPUT_ENDS = Instant.parse("2026-03-12T00:00:00Z");

    /** acct_1 stops on 10 March at noon, acct_2 runs to the end of the input (12 March). */
    private void inputThatEndsEarly() throws Exception {
        inputThatEndsEarly(true);
    }

    /** As {@link #inputThatEndsEarly()}; without acct_2: a subtask that holds only the key that fell silent. */
    private void inputThatEndsEarly(boolean withAcct2) throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        contract(Contracts.perUnit("acct_2", 1, "2026-01-01T00:00:00Z", METER, "1"));
        Instant stops = Instant.parse("2026-03-10T12:00:00Z");
        for (Instant h = Instant.parse("2026-02-01T00:00:00Z"); h.isBefore(INPUT_ENDS); h = h.plusSeconds(3600)) {
            if (h.isBefore(stops)) {
                record(ACCOUNT, h.plusSeconds(60).toString(), "10");
            }
            if (withAcct2) {
                record("acct_2", h.plusSeconds(3599).toString(), "10");
            }
        }
    }

    @Test
    void aSubtaskWhoseKeysFellSilentJudgesUpToTheKnownInputEndWhateverItsLastWatermark() throws Exception {
        // The subtask of acct_1 alone; the rest of the input (acct_2's, on another subtask) reaches 21:59:59
        // on 11 March. The last watermark this subtask sees before the end of the input depends on when the
        // sources last emitted one: an early one and a late one.
        ReconSettings knownEnd = ReconSettings.from(new org.apache.flink.configuration.Configuration()
                .set(io.reckon.jobs.ReconOptions.INPUT_END, ms("2026-03-11T21:59:59Z")));
        for (String lastWatermark : List.of("2026-03-10T13:00:00Z", "2026-03-11T20:00:00Z")) {
            harness.close();
            open(knownEnd);
            inputThatEndsEarly(false);
            watermark(lastWatermark);
            harness.watermark(Long.MAX_VALUE);
            List<AnomalyRecord> drops = anomalies().stream()
                    .filter(a -> a.type.startsWith("USAGE_"))
                    .toList();
            // The same as when acct_2 is on the same subtask (hoursAfterTheInputEndsAreNeitherDropsNorSpikes).
            assertThat(drops)
                    .as("last watermark %s", lastWatermark)
                    .extracting(a -> a.accountId + ":" + a.type + "@" + Instant.ofEpochMilli(a.periodStart))
                    .containsOnly("acct_1:USAGE_DROP@2026-03-10T14:00:00Z");
            assertThat(drops).filteredOn(a -> a.finalRevision).singleElement().satisfies(a -> assertThat(a.periodEnd)
                    .isEqualTo(INPUT_ENDS.minusSeconds(3 * 3600).toEpochMilli()));
        }
        // Without the known end, the early watermark left the silent hours unobserved: no drop at all.
        harness.close();
        open(ReconSettings.defaults());
        inputThatEndsEarly(false);
        watermark("2026-03-10T13:00:00Z");
        harness.watermark(Long.MAX_VALUE);
        assertThat(anomalies()).noneMatch(a -> a.type.startsWith("USAGE_"));
    }

    @Test
    void theInputsReachSurvivesARestore() throws Exception {
        harness.close();
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new ReconcileOperator(new ReconcileFunction(ReconSettings.defaults())),
                MeterEvent::key,
                Types.STRING,
                1,
                1,
                0);
        harness.open();
        inputThatEndsEarly();
        // As a checkpoint barrier does: the combined records are written to state first.
        harness.prepareSnapshotPreBarrier(1);
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new ReconcileOperator(new ReconcileFunction(ReconSettings.defaults())),
                MeterEvent::key,
                Types.STRING,
                1,
                1,
                0);
        harness.initializeState(snapshot);
        harness.open();
        // Restored, the end of the input judges the same hours: up to the reach read before the restart.
        harness.watermark(Long.MAX_VALUE);
        assertThat(anomalies().stream().filter(a -> a.type.startsWith("USAGE_")))
                .extracting(a -> a.accountId + ":" + a.type + "@" + Instant.ofEpochMilli(a.periodStart))
                .containsOnly("acct_1:USAGE_DROP@2026-03-10T14:00:00Z")
                .isNotEmpty();
    }

    @Test
    void hoursAfterTheInputEndsAreNeitherDropsNorSpikes() throws Exception {
        inputThatEndsEarly();
        Instant inputEnds = INPUT_ENDS;
        // The bounded input ends: the watermark jumps to the end of time and every tick of March fires.
        harness.watermark(Long.MAX_VALUE);
        List<AnomalyRecord> drops =
                anomalies().stream().filter(a -> a.type.startsWith("USAGE_")).toList();
        // acct_1 fell silent while the input went on: a drop once three silent hours of a key of one record
        // every hour are evidence enough (UsageDetectorTest: its baseline hours were never empty),
        // to the end of the input; acct_2 ran to the end of the input, and the hours after it (to the end
        // of March) were never observed: no signal of either key reaches past it. The input's reach is its
        // third largest usage time (InputReach), 21:59:59 on 11 March: the hours to 21:00 are judged.
        assertThat(drops)
                .extracting(a -> a.accountId + ":" + a.type + "@" + Instant.ofEpochMilli(a.periodStart))
                .containsOnly("acct_1:USAGE_DROP@2026-03-10T14:00:00Z");
        assertThat(drops).filteredOn(a -> a.finalRevision).singleElement().satisfies(a -> assertThat(a.periodEnd)
                .isEqualTo(inputEnds.minusSeconds(3 * 3600).toEpochMilli()));
    }

    @Test
    void noForecastIsMadeAsOfHoursAfterTheInputEndsButEachPeriodGetsItsFinalOne() throws Exception {
        inputThatEndsEarly();
        harness.watermark(Long.MAX_VALUE);
        List<ForecastRecord> march = forecasts().stream()
                .filter(f -> f.periodStart == ms("2026-03-01T00:00:00Z"))
                .toList();
        // A forecast stands on the hours before its as_of (the tick less the 2 h reporting delay): none
        // stands on hours after the input's reach (21:59:59 on 11 March, InputReach), so none is as of
        // a time after 22:00.
        assertThat(march).filteredOn(f -> !f.finalRevision).isNotEmpty().allSatisfy(f -> assertThat(f.asOf)
                .isLessThanOrEqualTo(ms("2026-03-11T22:00:00Z")));
        assertThat(march)
                .filteredOn(f -> f.finalRevision)
                .extracting(f -> f.accountId)
                .containsExactlyInAnyOrder(ACCOUNT, "acct_2");
    }

    @Test
    void anUpsellOpportunityIsRaisedOnlyWhenTurnedOn() throws Exception {
        upsellScenario();
        watermark("2026-04-01T06:00:00Z");
        assertThat(anomalies()).noneMatch(a -> a.type.equals("UPSELL_OPPORTUNITY"));
        assertThat(forecasts()).isNotEmpty();
    }

    private void upsellScenario() throws Exception {
        // 500 units included, 1 cent per unit beyond; 10 units an hour is 6,720 in February.
        contract(
                """
                {"account_id":"acct_1","version":1,"effective_from":"2026-01-01T00:00:00Z","currency":"usd",
                 "meters":[{"meter":"api_calls","included_quantity":"500",
                   "pricing":{"model":"per_unit","unit_amount_decimal":"1"}}]}
                """);
        for (Instant h = Instant.parse("2026-02-01T00:00:00Z");
                h.isBefore(Instant.parse("2026-04-01T00:00:00Z"));
                h = h.plusSeconds(3600)) {
            record(h.plusSeconds(60).toString(), "10");
        }
    }

    @Test
    void aForecastAndAnUpsellOpportunityLeaveNoStateOrTimerOnceTheirPeriodIsReleased() throws Exception {
        harness.close();
        open(ReconSettings.from(new org.apache.flink.configuration.Configuration()
                .set(io.reckon.jobs.ReconOptions.UPSELL_ENABLED, true)));
        upsellScenario();
        watermark("2026-03-16T00:00:00Z");
        // The tick of 16 March 00:00 forecasts from the hours before 15 March 22:00 (the reporting delay):
        // 358 hours of 10, February's rate (6,720 over 672 h) weighing as 168 hours: rate (3,580 + 1,680)
        // / 526 = 10 an hour, 3,580 + 10 x 386 = 7,440 projected, 6,940 cents.
        ForecastRecord mid = forecasts().stream()
                .filter(f -> f.asOf == ms("2026-03-15T22:00:00Z"))
                .findFirst()
                .orElseThrow();
        assertThat(mid.periodStart).isEqualTo(ms("2026-03-01T00:00:00Z"));
        assertThat(mid.currency).isEqualTo("usd");
        assertThat(mid.quantitySoFar).isEqualByComparingTo("3580");
        assertThat(mid.projectedQuantity).isEqualByComparingTo("7440");
        assertThat(mid.projectedAmountMinor).isEqualTo(6940);
        assertThat(mid.amountLowMinor).isLessThan(6940).isGreaterThan(6000);
        assertThat(mid.amountHighMinor).isGreaterThan(6940).isLessThan(8000);
        // The opportunity waits for March's final figures.
        assertThat(anomalies()).noneMatch(a -> a.type.equals("UPSELL_OPPORTUNITY"));

        watermark("2026-04-01T06:00:00Z");
        // February (6,720) and March (7,440) both beyond 500 + 20 %: the usage beyond the plan is worth
        // 7,440 - 500 = 6,940 cents.
        List<AnomalyRecord> upsell = anomalies().stream()
                .filter(a -> a.type.equals("UPSELL_OPPORTUNITY"))
                .toList();
        assertThat(upsell)
                .extracting(a -> a.revision + ":" + a.status + ":" + a.finalRevision + ":" + a.amountMinor + "@"
                        + Instant.ofEpochMilli(a.periodStart))
                .containsExactly("1:open:true:6940@2026-03-01T00:00:00Z");
        assertThat(upsell.get(0).explanation)
                .isEqualTo("api_calls for acct_1: 7,440 used in March 2026 and 6,720 in the period before, against 500"
                        + " in its plan; usage has outgrown the plan two periods running, the usage beyond it is"
                        + " worth $69.40 this period: an upsell opportunity (offer the next plan up).");
        ForecastRecord last = forecasts().get(forecasts().size() - 1);
        assertThat(last.finalRevision).isTrue();
        assertThat(last.projectedQuantity).isEqualByComparingTo("7440");
        assertThat(last.amountLowMinor).isEqualTo(6940);
        assertThat(last.amountHighMinor).isEqualTo(6940);

        releaseEverything();
    }

    /** March is released after its retention, April (whose baselines read March) a month later. */
    private void releaseEverything() throws Exception {
        watermark("2026-05-09T00:00:00Z");
        assertThat(keyedStateEntries()).isPositive();
        watermark("2026-06-08T00:00:00.001Z");
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(keyedStateEntries()).isZero();
    }

    private void contract(String json) throws Exception {
        harness.processBroadcastElement(Contracts.event(json), 0L);
    }

    /** A usage record and its report, both of {@code quantity}. */
    private void record(String time, String quantity) throws Exception {
        record(ACCOUNT, time, quantity);
    }

    private void record(String account, String time, String quantity) throws Exception {
        harness.processElement(
                MeterEvent.usage("u" + time, account, METER, ms(time), new BigDecimal(quantity)), ms(time));
        harness.processElement(
                MeterEvent.reported("r" + time, account, METER, ms(time), new BigDecimal(quantity)), ms(time));
    }

    private void watermark(String time) throws Exception {
        harness.watermark(ms(time));
    }

    private List<AnomalyRecord> anomalies() {
        List<AnomalyRecord> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    private List<ForecastRecord> forecasts() {
        return harness.getSideOutput(ReconcileFunction.FORECASTS).stream()
                .map(StreamRecord::getValue)
                .toList();
    }

    private int keyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    private static long ms(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }
}
