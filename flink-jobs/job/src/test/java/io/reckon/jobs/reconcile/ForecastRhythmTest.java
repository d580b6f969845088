package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.ForecastRecord;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.Contracts;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The forecast's weekly rhythm in the operator: a key quiet at weekends is projected with the weekends
 * left in its period, and the day totals the forecast keeps in the period's state are read again when a
 * record of a whole day arrives late, so the forecast as of a time is the same whichever way the record
 * came.
 */
class ForecastRhythmTest {

    private static final String ACCOUNT = "acct_1";
    private static final String METER = "api_calls";
    private static final Instant FROM = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant LATE = Instant.parse("2026-03-03T05:00:00Z");

    /** The one hour of 10,000 instead of its weekday's 10 (a day far from its weekday's usual), or null. */
    private Instant odd;

    private KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> harness;

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aKeyQuietAtWeekendsIsProjectedWithTheWeekendsLeft() throws Exception {
        open();
        records(FROM, Instant.parse("2026-03-16T00:00:00Z"), t -> true);
        watermark("2026-03-16T00:00:00Z");
        ForecastRecord f = latest();
        // As of 15 March 22:00 (a Sunday): 14 whole days, 10 of them weekdays, and 22 hours of 10 an hour on
        // weekdays and 2 at weekends: 10 x 240 + 4 x 48 + 22 x 2 = 2,636.
        assertThat(f.asOf).isEqualTo(Instant.parse("2026-03-15T22:00:00Z").toEpochMilli());
        assertThat(f.quantitySoFar).isEqualByComparingTo("2636");
        // Left: 2 hours of Sunday, then 16 days from Monday 16 March, 12 of them weekdays: 2 x 2 + 12 x 240
        // + 4 x 48 = 3,076 at February's rhythm, which the period so far kept to: 2,636 + 3,076 (a flat
        // rate over the hours so far would make it 2,636 / 358 x 744 = 5,478).
        assertThat(f.projectedQuantity).isEqualByComparingTo("5712");
        // Its days keep exactly to their weekday: the interval is as narrow as a quarter of a Poisson count
        // of its records allows, a few percent.
        assertThat(f.quantityLow).isLessThan(f.projectedQuantity);
        assertThat(f.quantityHigh).isGreaterThan(f.projectedQuantity);
        assertThat(f.quantityHigh.subtract(f.quantityLow)).isLessThan(new BigDecimal("400"));
    }

    @Test
    void aRecordOfAWholeDayThatArrivesLateGivesTheForecastOfTheRecordInOrder() throws Exception {
        odd = LATE;
        open();
        records(FROM, Instant.parse("2026-03-12T00:00:00Z"), t -> true);
        watermark("2026-03-12T00:00:00Z");
        ForecastRecord inOrder = latest();
        List<ForecastRecord> allInOrder = march();
        double[] daysInOrder = marchDayTotals();
        harness.close();

        open();
        records(FROM, Instant.parse("2026-03-12T00:00:00Z"), t -> !t.equals(LATE));
        // The day of the record is whole and its total kept before the record arrives.
        watermark("2026-03-10T00:00:00Z");
        record(LATE);
        watermark("2026-03-12T00:00:00Z");
        ForecastRecord late = latest();

        assertThat(late.asOf).isEqualTo(inOrder.asOf);
        assertThat(late.quantitySoFar).isEqualByComparingTo(inOrder.quantitySoFar);
        assertThat(late.projectedQuantity).isEqualByComparingTo(inOrder.projectedQuantity);
        assertThat(late.quantityLow).isEqualByComparingTo(inOrder.quantityLow);
        assertThat(late.quantityHigh).isEqualByComparingTo(inOrder.quantityHigh);
        // So is every forecast after it, the first ones too, whose whole days are the same as before the
        // record: the rhythm of the day totals as they are now, not as the last tick saw them.
        long arrived = Instant.parse("2026-03-10T00:00:00Z").toEpochMilli() - 2 * 3_600_000L;
        List<ForecastRecord> after =
                march().stream().filter(f -> f.asOf > arrived).toList();
        assertThat(after).hasSizeGreaterThan(40);
        for (ForecastRecord f : after) {
            ForecastRecord same = allInOrder.stream()
                    .filter(g -> g.asOf == f.asOf)
                    .findFirst()
                    .orElseThrow();
            assertThat(f.projectedQuantity)
                    .as("as of %s", Instant.ofEpochMilli(f.asOf))
                    .isEqualByComparingTo(same.projectedQuantity);
            assertThat(f.quantityLow)
                    .as("as of %s", Instant.ofEpochMilli(f.asOf))
                    .isEqualByComparingTo(same.quantityLow);
            assertThat(f.quantityHigh)
                    .as("as of %s", Instant.ofEpochMilli(f.asOf))
                    .isEqualByComparingTo(same.quantityHigh);
        }
        // The day of the late record was read again, and only its total changed.
        assertThat(marchDayTotals()).containsExactly(daysInOrder);
        assertThat(daysInOrder[2]).isEqualTo(10230.0);
    }

    @Test
    void aPeriodIsFirstForecastAsOfItsStartOnceThePreviousPeriodsHoursHaveMatured() throws Exception {
        open();
        records(FROM, Instant.parse("2026-03-01T04:00:00Z"), t -> true);
        for (Instant w = Instant.parse("2026-02-28T20:00:00Z");
                !w.isAfter(Instant.parse("2026-03-01T04:00:00Z"));
                w = w.plusSeconds(3600)) {
            harness.watermark(w.toEpochMilli());
        }
        long start = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
        // March is in state from the start (its records arrived with February's), but no tick before March
        // 02:00 (its start plus the reporting delay) forecasts it: a forecast as of its start made then
        // would lean on a February missing its last hours, a different part of it at each tick.
        assertThat(march()).extracting(f -> f.asOf).containsExactly(start, start + 3_600_000L, start + 7_200_000L);
        ForecastRecord first = march().get(0);
        // As of March's start: February's 28 days whole (20 weekdays of 240, 8 weekend days of 48), and
        // March's 31 days at February's rhythm: 22 weekdays and 9 weekend days, 5,712.
        assertThat(first.quantitySoFar).isEqualByComparingTo("0");
        assertThat(first.projectedQuantity).isEqualByComparingTo("5712");
    }

    /** The whole days' totals March's state keeps for the forecast, up to date or not. */
    private double[] marchDayTotals() throws Exception {
        KeyedStateBackend<Object> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(
                MeterEvent.usage("any", ACCOUNT, METER, 0, BigDecimal.ONE).key());
        MapState<Long, PeriodState> periods = backend.getPartitionedState(
                VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE,
                new MapStateDescriptor<>(ReconState.PERIODS, Types.LONG, TypeInformation.of(PeriodState.class)));
        PeriodState march = periods.get(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());
        return Arrays.copyOf(march.dayTotals, march.daysKnown);
    }

    private void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ReconcileFunction(ReconSettings.defaults()),
                MeterEvent::key,
                Types.STRING,
                ReconcileFunction.CONTRACTS);
        harness.processBroadcastElement(
                Contracts.event(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1")), 0L);
    }

    /**
     * One usage record and its report every hour in [from, to): 10 on weekdays, 2 at weekends, and 10,000 in
     * the hour {@link #odd}.
     */
    private void records(Instant from, Instant to, Predicate<Instant> which) throws Exception {
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(3600)) {
            if (which.test(t)) {
                record(t);
            }
        }
    }

    private void record(Instant hour) throws Exception {
        DayOfWeek day = hour.atZone(ZoneOffset.UTC).getDayOfWeek();
        String q = hour.equals(odd) ? "10000" : day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? "2" : "10";
        long t = hour.plusSeconds(60).toEpochMilli();
        harness.processElement(MeterEvent.usage("u" + t, ACCOUNT, METER, t, new BigDecimal(q)), t);
        harness.processElement(MeterEvent.reported("r" + t, ACCOUNT, METER, t, new BigDecimal(q)), t);
    }

    private void watermark(String time) throws Exception {
        harness.watermark(Instant.parse(time).toEpochMilli());
    }

    /** The forecast of March with the latest as_of. */
    private ForecastRecord latest() {
        return march().stream()
                .max(java.util.Comparator.comparingLong(f -> f.asOf))
                .orElseThrow();
    }

    /** Every forecast of March so far. */
    private List<ForecastRecord> march() {
        return harness.getSideOutput(ReconcileFunction.FORECASTS).stream()
                .map(StreamRecord::getValue)
                .filter(f ->
                        f.periodStart == Instant.parse("2026-03-01T00:00:00Z").toEpochMilli())
                .toList();
    }
}
