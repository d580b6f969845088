package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.HourlyRollup;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.records.UnmappedUsage;
import io.reckon.jobs.testing.Contracts;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ReconcileOperator} combines records per key and hour. Every scenario of {@link
 * ReconcileFunctionTest} runs again on it (inherited), and randomized streams below must give the
 * same outputs, in the same order, as the operator that writes every record to state at once:
 * duplicates, out-of-order and late records, closed hours, invoice lines, an
 * anchor-day change, quantities of mixed scales and checkpoints with a restore in between.
 */
class ReconcileOperatorTest extends ReconcileFunctionTest {

    private static final long HOUR = ReconSettings.HOUR_MS;
    private static final String[][] KEYS = {{"acct_1", "api_calls"}, {"acct_1", "storage"}, {"acct_2", "api_calls"}};
    private static final String[] QUANTITIES = {"1", "12.50", "0.000000001", "7", "1E+2", "3.0", "3.00", "250"};

    @Override
    KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> harnessFor(
            ReconcileFunction function) throws Exception {
        return open(new ReconcileOperator(function), null);
    }

    /**
     * The operator asks every key with state for a tick when its contract changes; the function alone
     * would reprice at the key's next due tick, which for this key is none before the period ends.
     */
    @Test
    void aCorrectedContractRepricesTheOpenPeriodAtTheNextHour() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        watermark("2026-03-10T13:00:00Z");
        assertThat(anomalies()).extracting(a -> a.amountMinor).containsExactly(100L);
        // Same version number: a correction of the price.
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "4"));
        watermark("2026-03-10T14:00:00Z");
        List<AnomalyRecord> out = anomalies();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).status).isEqualTo("updated");
        assertThat(out.get(0).amountMinor).isEqualTo(400);
    }

    /**
     * A gap ends with its last unreported usage hour whichever order that hour's records came in: a
     * late record that moves the end without changing the figures (a quantity of 0 here, or one below
     * the maximum of a `max` meter) still gives the gap a revision with the new end.
     */
    @Test
    void aLateRecordThatMovesAGapsEndGivesItARevisionEvenWithTheSameFigures() throws Exception {
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", METER, "1"));
        usage("u0", "2026-03-10T05:10:00Z", "10");
        reported("r0", "2026-03-10T05:30:00Z", "10");
        usage("u1", "2026-03-10T07:00:00Z", "50");
        usage("u3", "2026-03-10T17:10:00Z", "5");
        reported("r3", "2026-03-10T17:30:00Z", "5");
        for (int h = 6; h <= 20; h++) {
            watermark(String.format("2026-03-10T%02d:00:00Z", h));
        }
        // Opened; its reports resumed at 17:00.
        assertThat(gapEnds()).containsExactly("2026-03-10T08:00:00Z");
        // Usage of quantity 0 in the gap's tenth hour, late: the gap's figures stay, its end moves.
        usage("u2", "2026-03-10T10:00:00Z", "0");
        watermark("2026-03-10T21:00:00Z");
        assertThat(gapEnds()).containsExactly("2026-03-10T11:00:00Z");
        // Final at 17:00 + the allowed lateness, as it is.
        watermark("2026-03-10T22:00:00Z");
        assertThat(gapEnds()).isEmpty();
        watermark("2026-03-10T23:00:00Z");
        assertThat(gapEnds()).containsExactly("2026-03-10T11:00:00Z");
    }

    /** The ends of the REPORTING_GAP revisions emitted since the last call, in order. */
    private List<String> gapEnds() {
        List<String> ends = new ArrayList<>();
        for (AnomalyRecord a : anomalies()) {
            if (a.type.equals("REPORTING_GAP")) {
                ends.add(Instant.ofEpochMilli(a.periodEnd).toString());
            }
        }
        return ends;
    }

    /**
     * Records of a meter no contract version listed when their period became final are counted and
     * written as unmapped; a version that lists it, arriving later, prices the period and takes them
     * back: the count returns to what it would be had the version come first, and the period's row of
     * {@code unmapped_usage} is rewritten with no records and the reason {@code priced}.
     */
    @Test
    void aContractThatArrivesAfterThePeriodWasFinalTakesItsUnmappedRecordsBack() throws Exception {
        ReconcileFunction function = new ReconcileFunction(ReconSettings.defaults());
        harness.close();
        harness = harnessFor(function);
        contract(Contracts.perUnit(ACCOUNT, 1, "2026-01-01T00:00:00Z", "storage_gb", "1"));
        usage("u1", "2026-03-10T10:00:00Z", "100");
        usage("u2", "2026-03-10T11:00:00Z", "50");
        watermark("2026-04-01T06:00:00Z");
        List<UnmappedUsage> rows = values(harness.getSideOutput(ReconcileFunction.UNMAPPED));
        assertThat(rows)
                .extracting(u -> u.reason, u -> u.usageRecords)
                .containsExactly(tuple("meter_not_in_contract", 2L));
        assertThat(function.counterTotals()).containsEntry("usage.unmapped", 2L);
        harness.getSideOutput(ReconcileFunction.UNMAPPED).clear();

        contract(Contracts.perUnit(ACCOUNT, 2, "2026-01-01T00:00:00Z", METER, "1"));
        watermark("2026-04-01T07:00:00Z");
        rows = values(harness.getSideOutput(ReconcileFunction.UNMAPPED));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).reason).isEqualTo(UnmappedRecords.PRICED);
        assertThat(rows.get(0).usageRecords).isZero();
        assertThat(rows.get(0).usageQuantity).isZero();
        assertThat(function.counterTotals()).containsEntry("usage.unmapped", 0L);
        // Priced now: the usage nobody reported is a leak.
        assertThat(anomalies())
                .filteredOn(a -> a.finalRevision)
                .extracting(a -> a.type, a -> a.amountMinor)
                .containsExactly(tuple("UNDER_REPORTED_USAGE", 150L));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void combiningGivesWhatRecordByRecordGives(long seed) throws Exception {
        Outputs plain = run(seed, ReconcileOperator::recordByRecord);
        assertThat(plain.anomalies).isNotEmpty();
        assertThat(plain.rollups).isNotEmpty();
        // Combining records, and combining them with each key's periods held while timers fire.
        for (Function<ReconcileFunction, ReconcileOperator> kind :
                List.<Function<ReconcileFunction, ReconcileOperator>>of(
                        ReconcileOperator::new, ReconcileOperator::holdingPeriodsOnHeap)) {
            Outputs combining = run(seed, kind);
            assertSame(combining.anomalies, plain.anomalies, "anomalies");
            assertSame(combining.rollups, plain.rollups, "rollups");
            assertSame(combining.unmapped, plain.unmapped, "unmapped usage");
            assertSame(combining.rejected, plain.rejected, "rejected records");
        }
    }

    /** Same records in the same order, every public field equal (BigDecimal scale too) but the wall-clock detectedAt. */
    private static void assertSame(List<?> actual, List<?> expected, String what) {
        List<String> a = actual.stream().map(ReconcileOperatorTest::fields).toList();
        List<String> e = expected.stream().map(ReconcileOperatorTest::fields).toList();
        int n = Math.min(a.size(), e.size());
        for (int i = 0; i < n; i++) {
            assertThat(a.get(i)).as("%s, record %d of %d", what, i, e.size()).isEqualTo(e.get(i));
        }
        assertThat(a.size()).as("number of %s", what).isEqualTo(e.size());
    }

    /** Every public field of a record, but the wall-clock detectedAt. */
    static String fields(Object o) {
        return fields(o, false);
    }

    /**
     * As {@link #fields(Object)}; with {@code decimalsByValue}, a decimal is shown by its value, without
     * trailing zeros, as every sink compares and writes it (at scale 9).
     */
    static String fields(Object o, boolean decimalsByValue) {
        StringBuilder b = new StringBuilder(o.getClass().getSimpleName());
        for (java.lang.reflect.Field f : o.getClass().getFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())
                    || f.getName().equals("detectedAt")) {
                continue;
            }
            try {
                Object v = f.get(o);
                b.append(' ')
                        .append(f.getName())
                        .append('=')
                        .append(
                                v instanceof byte[] bytes
                                        ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                                        : decimalsByValue && v instanceof java.math.BigDecimal d
                                                ? d.stripTrailingZeros().toPlainString()
                                                : v);
            } catch (IllegalAccessException ex) {
                throw new AssertionError(ex);
            }
        }
        return b.toString();
    }

    private record Outputs(
            List<AnomalyRecord> anomalies,
            List<HourlyRollup> rollups,
            List<UnmappedUsage> unmapped,
            List<DeadLetterRecord> rejected) {}

    /** One randomized stream through one operator; the same seed gives the same stream. */
    private static Outputs run(long seed, Function<ReconcileFunction, ReconcileOperator> kind) throws Exception {
        Random random = new Random(seed);
        Outputs out = new Outputs(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> h = open(kind, null);
        h.processBroadcastElement(
                Contracts.event(Contracts.perUnit("acct_1", 1, "2026-01-01T00:00:00Z", "api_calls", "2")), 0);
        h.processBroadcastElement(
                Contracts.event(Contracts.perUnit("acct_2", 1, "2026-01-01T00:00:00Z", "api_calls", "3")), 0);

        long clock = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
        long watermark = Long.MIN_VALUE;
        List<MeterEvent> sent = new ArrayList<>();
        int steps = 900;
        for (int step = 0; step < steps; step++) {
            clock += random.nextInt(40) * 60_000L;
            int what = random.nextInt(100);

            if (what < 12) {
                long next = clock - random.nextInt(3) * HOUR;
                if (next > watermark) {
                    watermark = next;
                    h.watermark(watermark);
                }
            } else if (what < 14) {
                drain(h, out);
                long checkpoint = step;
                h.prepareSnapshotPreBarrier(checkpoint);
                OperatorSubtaskState snapshot = h.snapshot(checkpoint, checkpoint);
                h.close();
                h = open(kind, snapshot);
                if (watermark != Long.MIN_VALUE) {
                    h.watermark(watermark);
                }
            } else if (what < 15 && step > steps / 3) {
                // The anchor day of acct_1 moves: its keys' periods are cut again.
                h.processBroadcastElement(
                        Contracts.event(
                                """
                                {"account_id":"acct_1","version":%d,"effective_from":"2026-01-01T00:00:00Z","currency":"usd",
                                 "billing_anchor_day":%d,
                                 "meters":[{"meter":"api_calls","pricing":{"model":"per_unit","unit_amount_decimal":"2"}}]}
                                """
                                        .formatted(2 + step, 1 + random.nextInt(28))),
                        0);
            } else if (what < 17) {
                h.processElement(invoice(random, clock), clock);
            } else if (what < 18) {
                MeterEvent away = turnedAway(random, clock, step);
                h.processElement(away, away.eventTime);
            } else if (what < 24 && !sent.isEmpty()) {
                // A copy of an earlier record, sometimes with another event time.
                MeterEvent copy = copy(sent.get(sent.size() - 1 - random.nextInt(Math.min(sent.size(), 40))));
                if (random.nextBoolean()) {
                    copy.eventTime += (random.nextInt(5) - 2) * HOUR;
                }
                h.processElement(copy, copy.eventTime);
            } else {
                String[] key = KEYS[random.nextInt(KEYS.length)];
                // Mostly ahead of the watermark, sometimes in an hour it already closed, rarely far back.
                long time = clock
                        - random.nextInt(random.nextInt(10) == 0 ? 30 * 24 : 4) * HOUR
                        + random.nextInt(60) * 60_000L;
                BigDecimal quantity = new BigDecimal(QUANTITIES[random.nextInt(QUANTITIES.length)]);
                String id = "e" + step;
                MeterEvent e = random.nextInt(3) == 0
                        ? MeterEvent.reported(id, key[0], key[1], time, quantity)
                        : MeterEvent.usage(id, key[0], key[1], time, quantity);
                sent.add(e);
                h.processElement(e, time);
            }
        }
        // Every period final and released: nothing is left, also of the keys that only had records
        // turned away.
        h.watermark(Long.MAX_VALUE);
        drain(h, out);
        assertThat(((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries())
                .as("keyed state entries at the end of the input")
                .isZero();
        assertThat(h.numEventTimeTimers()).as("timers at the end of the input").isZero();
        h.close();
        return out;
    }

    /**
     * A record for a key that holds nothing and keeps nothing: usage from long before the retention
     * (turned away once a watermark is known), a line in another currency than its account's contract,
     * or a line record that stands elsewhere ({@link InvoiceLineOwners}) for a line the key never held.
     */
    private static MeterEvent turnedAway(Random random, long clock, int step) {
        String meter = "once_" + step;
        return switch (random.nextInt(3)) {
            case 0 -> MeterEvent.usage("old" + step, "acct_1", meter, clock - 400L * 24 * HOUR, BigDecimal.ONE);
            case 1 -> {
                MeterEvent line = invoice(random, clock);
                line.meter = meter;
                line.currency = "eur";
                yield line;
            }
            default -> {
                MeterEvent line = invoice(random, clock);
                line.meter = meter;
                line.status = MeterEvent.LINE_ELSEWHERE;
                yield line;
            }
        };
    }

    private static KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> open(
            Function<ReconcileFunction, ReconcileOperator> kind, OperatorSubtaskState restore) throws Exception {
        return open(kind.apply(new ReconcileFunction(ReconSettings.defaults())), restore);
    }

    static KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> open(
            org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<
                            String, MeterEvent, ContractEvent, AnomalyRecord>
                    operator,
            OperatorSubtaskState restore)
            throws Exception {
        KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> h =
                new KeyedBroadcastOperatorTestHarness<>(operator, MeterEvent::key, Types.STRING, 1, 1, 0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static void drain(
            KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> h, Outputs out) {
        out.anomalies.addAll(h.extractOutputValues());
        h.getOutput().clear();
        drainSide(h.getSideOutput(ReconcileFunction.ROLLUPS), out.rollups);
        drainSide(h.getSideOutput(ReconcileFunction.UNMAPPED), out.unmapped);
        drainSide(h.getSideOutput(ReconcileFunction.REJECTED), out.rejected);
    }

    private static <X> void drainSide(java.util.Queue<StreamRecord<X>> side, List<X> into) {
        if (side != null) {
            side.forEach(r -> into.add(r.getValue()));
            side.clear();
        }
    }

    private static MeterEvent copy(MeterEvent e) {
        return e.kind == MeterEvent.Kind.USAGE
                ? MeterEvent.usage(e.id, e.accountId, e.meter, e.eventTime, e.quantity)
                : MeterEvent.reported(e.id, e.accountId, e.meter, e.eventTime, e.quantity);
    }

    private static MeterEvent invoice(Random random, long clock) {
        Instant month = Instant.ofEpochMilli(clock)
                .atZone(java.time.ZoneOffset.UTC)
                .withDayOfMonth(1)
                .toLocalDate()
                .atStartOfDay(java.time.ZoneOffset.UTC)
                .minusMonths(random.nextInt(2))
                .toInstant();
        MeterEvent e = new MeterEvent();
        e.kind = MeterEvent.Kind.INVOICE_LINE;
        e.id = "line" + random.nextInt(4);
        e.invoiceId = "in_" + e.id;
        e.accountId = "acct_1";
        e.meter = "api_calls";
        e.periodStart = month.toEpochMilli();
        e.periodEnd =
                month.atZone(java.time.ZoneOffset.UTC).plusMonths(1).toInstant().toEpochMilli();
        e.eventTime = clock;
        e.quantity = BigDecimal.ZERO;
        e.amountMinor = random.nextInt(100_000);
        e.currency = "usd";
        e.status = "paid";
        return e;
    }
}
