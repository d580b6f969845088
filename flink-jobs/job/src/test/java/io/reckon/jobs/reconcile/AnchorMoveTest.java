package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.Contracts;
import io.reckon.jobs.testing.Deliveries;
import io.reckon.jobs.testing.FinalAnomalies;
import io.reckon.jobs.testing.LineRecords;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A contract version that moves the billing anchor day: the periods before it stay as they were, the
 * one it starts in is short, and the anomalies whose identity survives a re-cut go on with their
 * revisions, in every arrival order.
 */
class AnchorMoveTest {

    private static final String ACCOUNT = "acct_1";
    private static final String METER = "api_calls";
    /** A retention of 120 days: shuffled records of three months all still count. */
    private static final ReconSettings SETTINGS = ArrivalOrderPropertyTest.SETTINGS;

    /** v1 from 1 March on day 1, v2 from 1 May on day 15; 1 cent per call in both. */
    private static final List<ContractEvent> MOVED = List.of(
            Contracts.event(version(1, "2026-03-01T00:00:00Z", 1)),
            Contracts.event(version(2, "2026-05-01T00:00:00Z", 15)));

    static List<Arguments> arrivals() {
        List<Arguments> out = new ArrayList<>();
        for (Deliveries d : List.of(Deliveries.EVENT_TIME, Deliveries.SHUFFLED, Deliveries.LATE_RECORDS_AND_COPIES)) {
            out.add(Arguments.of(d, true));
            out.add(Arguments.of(d, false));
        }
        return out;
    }

    /**
     * 10 calls a day from 1 March to 14 June, each reported, and each period billed as its contract
     * prices it: [1 Mar, 1 Apr) 310, [1 Apr, 1 May) 300, [1 May, 15 May) 140, [15 May, 15 Jun) 310. Cut
     * with the latest version's day for all time, March's first half had no contract and April's second
     * half no invoice line.
     */
    @ParameterizedTest
    @MethodSource("arrivals")
    void periodsBeforeTheMoveStayAndTheFirstPeriodAfterItIsShort(Deliveries delivery, boolean contractsFirst)
            throws Exception {
        List<MeterEvent> records = new ArrayList<>(dailyUsageAndReports("2026-03-01", "2026-06-15"));
        records.add(line("il_mar", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 310));
        records.add(line("il_apr", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", 300));
        records.add(line("il_may_short", "2026-05-01T00:00:00Z", "2026-05-15T00:00:00Z", 140));
        records.add(line("il_may", "2026-05-15T00:00:00Z", "2026-06-15T00:00:00Z", 310));

        OperatorRun.Result run = OperatorRun.run(SETTINGS, MOVED, delivery.order(records, 7L), contractsFirst, 7L);

        FinalAnomalies finals = new FinalAnomalies(run.anomalies());
        assertThat(finals.standing())
                .as(delivery + ", contracts first: " + contractsFirst)
                .isEmpty();
        assertThat(finals.revisionsOutOfOrder()).isEmpty();
        assertThat(run.counts().get("usage.unmapped")).isZero();
        assertThat(run.counts().get("invoices.unmapped")).isZero();
        assertThat(run.rejected()).isEmpty();
    }

    /** The same with RocksDB state, contracts after the records: the moved cut is kept as its segments. */
    @Test
    void withRocksDbStateTheCutIsKeptAsItsSegments() throws Exception {
        List<MeterEvent> records = new ArrayList<>(dailyUsageAndReports("2026-03-01", "2026-06-15"));
        records.add(line("il_mar", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 310));
        records.add(line("il_may_short", "2026-05-01T00:00:00Z", "2026-05-15T00:00:00Z", 150));

        OperatorRun.Result run = OperatorRun.run(
                new ReconcileFunction(SETTINGS),
                MOVED,
                Deliveries.SHUFFLED.order(records, 5L),
                false,
                5L,
                new EmbeddedRocksDBStateBackend());

        assertThat(new FinalAnomalies(run.anomalies()).standing())
                .containsExactlyInAnyOrder(
                        "UNBILLED_USAGE acct_1/api_calls 2026-04-01T00:00:00Z..2026-05-01T00:00:00Z usd"
                                + " actual=300 reported=300 expected=300 priced=300 billed=null amount=300",
                        "OVERBILLED acct_1/api_calls 2026-05-01T00:00:00Z..2026-05-15T00:00:00Z usd"
                                + " actual=140 reported=140 expected=140 priced=140 billed=150 amount=10",
                        "UNBILLED_USAGE acct_1/api_calls 2026-05-15T00:00:00Z..2026-06-15T00:00:00Z usd"
                                + " actual=310 reported=310 expected=310 priced=310 billed=null amount=310");
    }

    /** The same records with the short period billed for a whole month: its overbilling is found. */
    @ParameterizedTest
    @MethodSource("arrivals")
    void theShortPeriodIsPricedOnItsOwnUsage(Deliveries delivery, boolean contractsFirst) throws Exception {
        List<MeterEvent> records = new ArrayList<>(dailyUsageAndReports("2026-05-01", "2026-05-15"));
        records.add(line("il_may_short", "2026-05-01T00:00:00Z", "2026-05-15T00:00:00Z", 310));

        OperatorRun.Result run = OperatorRun.run(SETTINGS, MOVED, delivery.order(records, 11L), contractsFirst, 11L);

        assertThat(new FinalAnomalies(run.anomalies()).standing())
                .containsExactly("OVERBILLED acct_1/api_calls 2026-05-01T00:00:00Z..2026-05-15T00:00:00Z usd"
                        + " actual=140 reported=140 expected=140 priced=140 billed=310 amount=170");
    }

    /**
     * An anomaly whose identity survives a re-cut keeps its state: a reporting gap (its identity is its
     * first hour) stays open with its next revision, never resolved and opened again at revision 1. A
     * period anomaly whose period no longer exists is resolved for good.
     */
    @ParameterizedTest
    @MethodSource("arrivals")
    void aGapOpenBeforeTheAnchorMovesStaysOpen(Deliveries delivery, boolean contractsFirst) throws Exception {
        // A correction of v1 moves the day from 1 to 15: every period is cut anew.
        List<ContractEvent> corrected = List.of(
                Contracts.event(version(1, "2026-01-01T00:00:00Z", 1)),
                Contracts.event(version(1, "2026-01-01T00:00:00Z", 15)));
        List<MeterEvent> records = new ArrayList<>();
        Instant t = Instant.parse("2026-03-02T00:30:00Z");
        for (int h = 0; h < 24 * 20; h++, t = t.plus(Duration.ofHours(1))) {
            records.add(MeterEvent.usage("u" + h, ACCOUNT, METER, t.toEpochMilli(), BigDecimal.TEN));
            // No report from 10 March 06:00 to 18:00: a gap of twelve hours.
            boolean inGap = !t.isBefore(Instant.parse("2026-03-10T06:00:00Z"))
                    && t.isBefore(Instant.parse("2026-03-10T18:00:00Z"));
            if (!inGap) {
                records.add(MeterEvent.reported("r" + h, ACCOUNT, METER, t.toEpochMilli(), BigDecimal.TEN));
            }
        }

        OperatorRun.Result run = OperatorRun.run(SETTINGS, corrected, delivery.order(records, 3L), contractsFirst, 3L);

        FinalAnomalies finals = new FinalAnomalies(run.anomalies());
        assertThat(finals.revisionsOutOfOrder())
                .as(delivery + ", contracts first: " + contractsFirst)
                .isEmpty();
        assertThat(finals.standing())
                .filteredOn(a -> a.startsWith("REPORTING_GAP"))
                .singleElement()
                .asString()
                .contains(" 2026-03-10T06:00:00Z..");
        long gapStart = Instant.parse("2026-03-10T06:00:00Z").toEpochMilli();
        List<AnomalyRecord> gapRevisions = run.anomalies().stream()
                .filter(a -> a.type.equals("REPORTING_GAP") && a.periodStart == gapStart)
                .toList();
        assertThat(gapRevisions).extracting(a -> a.status).first().isEqualTo("open");
        assertThat(gapRevisions).extracting(a -> a.status).doesNotContain("resolved");
    }

    /**
     * A correction that moves the day to the 15th leaves no period at 1 March, so the under-reporting of
     * [1 Mar, 1 Apr) is resolved; one that moves it back gives that identity back, and the anomaly goes
     * on with its next revision, not with revision 1 again. Its state goes with the key's last period.
     */
    @Test
    void anIdentityACutTookAwayAndAnotherGaveBackGoesOnWithItsRevisions() throws Exception {
        KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> h =
                OperatorRun.harness(new ReconcileFunction(ReconSettings.defaults()));
        h.open();
        h.processBroadcastElement(Contracts.event(version(1, "2026-01-01T00:00:00Z", 1)), 0);
        // Usage from 20 to 25 March, never reported.
        for (int d = 20; d <= 25; d++) {
            long t = Instant.parse("2026-03-" + d + "T10:00:00Z").toEpochMilli();
            h.processElement(MeterEvent.usage("u" + d, ACCOUNT, METER, t, BigDecimal.TEN), t);
        }
        h.watermark(Instant.parse("2026-04-01T07:00:00Z").toEpochMilli());
        h.processBroadcastElement(Contracts.event(version(1, "2026-01-01T00:00:00Z", 15)), 0);
        h.watermark(Instant.parse("2026-04-01T08:00:00Z").toEpochMilli());
        h.processBroadcastElement(Contracts.event(version(1, "2026-01-01T00:00:00Z", 1)), 0);
        h.watermark(Instant.parse("2026-04-01T09:00:00Z").toEpochMilli());

        long march = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
        List<String> marchRevisions = h.extractOutputValues().stream()
                .filter(a -> a.type.equals("UNDER_REPORTED_USAGE") && a.periodStart == march)
                .map(a -> a.revision + " " + a.status)
                .toList();
        // Revisions 1 to n - 2 open it and follow the usage days as ticks pass them.
        int n = marchRevisions.size();
        assertThat(marchRevisions).startsWith("1 open").endsWith((n - 1) + " resolved", n + " open");
        assertThat(new FinalAnomalies(h.extractOutputValues()).revisionsOutOfOrder())
                .isEmpty();

        h.watermark(Long.MAX_VALUE);
        assertThat(((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries())
                .isZero();
        h.close();
    }

    private static List<MeterEvent> dailyUsageAndReports(String fromDay, String untilDay) {
        List<MeterEvent> out = new ArrayList<>();
        Instant t = Instant.parse(fromDay + "T10:00:00Z");
        Instant until = Instant.parse(untilDay + "T00:00:00Z");
        for (int d = 0; t.isBefore(until); d++, t = t.plus(Duration.ofDays(1))) {
            out.add(MeterEvent.usage("u" + d, ACCOUNT, METER, t.toEpochMilli(), BigDecimal.TEN));
            out.add(MeterEvent.reported(
                    "r" + d, ACCOUNT, METER, t.plusSeconds(60).toEpochMilli(), BigDecimal.TEN));
        }
        return out;
    }

    private static MeterEvent line(String id, String start, String end, long amountMinor) {
        return LineRecords.line(
                id,
                ACCOUNT,
                METER,
                Instant.parse(start).toEpochMilli(),
                Instant.parse(end).toEpochMilli(),
                amountMinor,
                "usd",
                "open");
    }

    private static String version(int version, String effectiveFrom, int anchorDay) {
        return """
                {"account_id":"%s","version":%d,"effective_from":"%s","currency":"usd","billing_anchor_day":%d,
                 "meters":[{"meter":"%s","pricing":{"model":"per_unit","unit_amount_decimal":"1"}}]}
                """
                .formatted(ACCOUNT, version, effectiveFrom, anchorDay, METER);
    }
}
