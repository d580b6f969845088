package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.ArrivalScenario;
import io.reckon.jobs.testing.Deliveries;
import io.reckon.jobs.testing.FinalAnomalies;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.configuration.Configuration;

/**
 * The answer is a function of the records alone (spec v1.1, "Arrival order"): generated streams of
 * usage, reports (events and revised summaries), invoice lines (corrected, voided, credited) and
 * contract versions, with copies of records, delivered shuffled, grouped by account, with records or
 * copies days late, and with contracts among the records, end with the same final anomalies as the
 * delivery in event-time order. The production operator runs in Flink's operator harness; the
 * retention is long enough that every record arrives within it, as the property requires.
 */
class ArrivalOrderPropertyTest {

    /** A retention long enough for every generated record; every hour with usage in its baseline weeks judged. */
    static final ReconSettings SETTINGS = settings();

    private static ReconSettings settings() {
        Configuration c = new Configuration();
        c.setString("reconcile.state-retention", Duration.ofDays(120).toMillis() + " ms");
        // Judges every hour with usage in its baseline weeks, so that sparse generated keys raise
        // spikes and drops to compare too.
        c.setString("reconcile.spike-min-records", "1");
        return ReconSettings.from(c);
    }

    @Provide
    Arbitrary<ArrivalScenario.Shape> shapes() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 2),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 20),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                .as((accounts, second, anchor15, graduated, copies, summaries, gap, spike) -> new ArrivalScenario.Shape(
                        accounts, second, anchor15, graduated, copies, summaries, gap, spike, true));
    }

    /** A sample jqwik once shrank to: contracts after the records, an anchor day of 15, spikes. */
    @org.junit.jupiter.api.Test
    void contractsThatArriveLateCutThePeriodsAnewAndJudgeTheirHours() throws Exception {
        anyArrivalOrderEndsWithTheFinalAnomaliesOfTheEventTimeOrder(
                new ArrivalScenario.Shape(2, false, true, true, 1, true, true, true, true),
                -1589L,
                Deliveries.EVENT_TIME,
                false);
    }

    /**
     * A sample jqwik once shrank to: the gap's last hour holds usage of nothing, delivered late, which
     * moves the gap's end without changing its figures.
     */
    @org.junit.jupiter.api.Test
    void aLateRecordThatOnlyMovesAGapsEndEndsWithTheSameGap() throws Exception {
        anyArrivalOrderEndsWithTheFinalAnomaliesOfTheEventTimeOrder(
                new ArrivalScenario.Shape(1, true, true, true, 10, true, true, true, true),
                -21L,
                Deliveries.LATE_RECORDS,
                true);
    }

    @Property(tries = 40)
    void anyArrivalOrderEndsWithTheFinalAnomaliesOfTheEventTimeOrder(
            @ForAll("shapes") ArrivalScenario.Shape shape,
            @ForAll long seed,
            @ForAll Deliveries delivery,
            @ForAll boolean contractsFirst)
            throws Exception {
        ArrivalScenario.Input input = ArrivalScenario.generate(seed, shape);
        OperatorRun.Result ordered = OperatorRun.run(
                SETTINGS, input.contracts(), Deliveries.EVENT_TIME.order(input.records(), seed), true, seed);
        OperatorRun.Result other = OperatorRun.run(
                SETTINGS, input.contracts(), delivery.order(input.records(), seed), contractsFirst, seed);

        assertSameFinalAnomalies(ordered, other, delivery + " delivery, contracts first: " + contractsFirst);
        assertSameCounts(ordered, other, delivery + " delivery, contracts first: " + contractsFirst);
        // Each account has one line (a record and its correction) of a meter its contract does not list.
        assertThat(ordered.counts().get("invoices.unmapped")).isEqualTo((long) shape.accounts());
    }

    /**
     * An id reused far more often than any retry: 17 to 30 distinct copies of one usage record (times up
     * to 40 hours either side, other quantities) among a generated account's records, delivered in event
     * time, in reverse and in one of the deliveries, end with the same final anomalies: the copies that
     * count are those the copy rule counts among the id's first 16 copies in its order. Which copies are
     * refused does depend on the order, so refusals and duplicate counts are not compared.
     */
    @Property(tries = 10)
    void anIdWithMoreDistinctCopiesThanItKeepsEndsTheSameInAnyOrder(@ForAll long seed, @ForAll Deliveries delivery)
            throws Exception {
        ArrivalScenario.Input input = ArrivalScenario.generate(
                seed, new ArrivalScenario.Shape(1, false, false, false, 0, false, false, false, true));
        List<MeterEvent> records = new ArrayList<>(input.records());
        Random r = new Random(seed);
        MeterEvent reused = records.stream()
                .filter(e -> e.kind == MeterEvent.Kind.USAGE && e.meter.equals("api_calls"))
                .skip(r.nextInt(50))
                .findFirst()
                .orElseThrow();
        int copies = 17 + r.nextInt(14);
        for (int i = 0; i < copies; i++) {
            long time = reused.eventTime + (r.nextInt(81) - 40) * 3_600_000L + r.nextInt(3) - 1;
            BigDecimal quantity = List.of(
                            BigDecimal.ONE, new BigDecimal("2"), new BigDecimal("2.0"), new BigDecimal("7"))
                    .get(r.nextInt(4));
            records.add(MeterEvent.usage(reused.id, reused.accountId, reused.meter, time, quantity));
        }
        List<MeterEvent> inOrder = Deliveries.EVENT_TIME.order(records, seed);
        List<MeterEvent> reversed = new ArrayList<>(inOrder);
        java.util.Collections.reverse(reversed);
        FinalAnomalies expected = new FinalAnomalies(OperatorRun.run(SETTINGS, input.contracts(), inOrder, true, seed)
                .anomalies());
        assertThat(expected.standing()).isNotEmpty();
        Map<String, List<MeterEvent>> deliveries =
                Map.of("reversed", reversed, delivery.name(), delivery.order(records, seed));
        for (Map.Entry<String, List<MeterEvent>> delivered : deliveries.entrySet()) {
            FinalAnomalies actual =
                    new FinalAnomalies(OperatorRun.run(SETTINGS, input.contracts(), delivered.getValue(), true, seed)
                            .anomalies());
            assertThat(actual.differencesFrom(expected))
                    .as("%d copies, %s", copies, delivered.getKey())
                    .isEmpty();
        }
    }

    /** Counts of the records by what became of them, which do not depend on arrival either (late ones aside). */
    static final List<String> ORDER_FREE_COUNTS = List.of(
            "usage.duplicates",
            "reported.duplicates",
            "invoices.duplicates",
            "usage.unmapped",
            "reported.unmapped",
            "invoices.unmapped");

    static void assertSameCounts(OperatorRun.Result ordered, OperatorRun.Result other, String run) {
        for (String name : ORDER_FREE_COUNTS) {
            assertThat(other.counts().getOrDefault(name, 0L))
                    .as(run + ": " + name)
                    .isEqualTo(ordered.counts().getOrDefault(name, 0L));
        }
    }

    /**
     * {@code other} ends with the final anomalies of {@code ordered} (which finds some), all final, no
     * record refused, late records coalesced (one revision per anomaly per evaluation in both), and no
     * anomaly's {@code final} going back nor its revisions out of order in either.
     */
    static void assertSameFinalAnomalies(OperatorRun.Result ordered, OperatorRun.Result other, String run) {
        FinalAnomalies expected = new FinalAnomalies(ordered.anomalies());
        FinalAnomalies actual = new FinalAnomalies(other.anomalies());
        assertThat(expected.standing()).as("the ordered run finds anomalies").isNotEmpty();
        List<String> differences = actual.differencesFrom(expected);
        assertThat(differences).as(run).isEmpty();
        assertThat(actual.allFinal()).isTrue();
        assertThat(actual.finalityReversals()).as(run).isEmpty();
        assertThat(expected.finalityReversals()).isEmpty();
        assertThat(actual.revisionsOutOfOrder()).as(run).isEmpty();
        assertThat(expected.revisionsOutOfOrder()).isEmpty();
        assertThat(actual.mostRevisionsPerEvaluation()).isEqualTo(1);
        assertThat(expected.mostRevisionsPerEvaluation()).isEqualTo(1);
        assertThat(other.rejected()).as("no record is refused").isEmpty();
    }
}
