package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.ArrivalScenario;
import io.reckon.jobs.testing.Deliveries;
import io.reckon.jobs.testing.FinalAnomalies;
import io.reckon.jobs.testing.SpecOracle;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The job's final leak anomalies are the spec's: generated streams go through the production operator
 * in any delivery, and what stands at the end must be what {@link SpecOracle}, a batch reading of the
 * spec that shares no code with the job, computes from the same records. Besides the scenario's own
 * copies, some ids get copies the scenario does not make: an earlier one with another quantity (it
 * counts instead of the original, in an earlier period when it falls there), one exactly the horizon
 * after (a duplicate) and one further (it counts on its own).
 */
class SpecOracleTest {

    private static final Set<String> LEAKS = Set.of(
            "UNDER_REPORTED_USAGE",
            "OVER_REPORTED_USAGE",
            "UNBILLED_USAGE",
            "RENEWAL_DRIFT",
            "MISSED_OVERAGE",
            "OVERBILLED");

    @Provide
    Arbitrary<ArrivalScenario.Shape> shapes() {
        return new ArrivalOrderPropertyTest().shapes();
    }

    @Property(tries = 30)
    void theFinalLeaksAreWhatTheSpecComputesFromTheRecordsAlone(
            @ForAll("shapes") ArrivalScenario.Shape shape, @ForAll long seed, @ForAll Deliveries delivery)
            throws Exception {
        ReconSettings settings = ArrivalOrderPropertyTest.SETTINGS;
        ArrivalScenario.Input input = ArrivalScenario.generate(seed, shape);
        List<MeterEvent> records = new ArrayList<>(input.records());
        records.addAll(strayCopies(input.records(), settings.dedupHorizonMs(), new Random(seed)));

        OperatorRun.Result run =
                OperatorRun.run(settings, input.contracts(), delivery.order(records, seed), true, seed);

        List<String> expected = SpecOracle.of(shape, settings.dedupHorizonMs()).standing(records);
        List<String> actual = new FinalAnomalies(leaks(run.anomalies())).standing();
        assertThat(expected).as("the spec finds leaks in the scenario").isNotEmpty();
        assertThat(actual).as(delivery + " delivery").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(run.rejected()).as("no record is refused").isEmpty();
    }

    private static List<AnomalyRecord> leaks(List<AnomalyRecord> revisions) {
        return revisions.stream().filter(a -> LEAKS.contains(a.type)).toList();
    }

    /** Copies of about one usage or report id in twenty, at times and with quantities the scenario never uses. */
    static List<MeterEvent> strayCopies(List<MeterEvent> records, long horizonMs, Random r) {
        List<MeterEvent> out = new ArrayList<>();
        for (MeterEvent e : records) {
            if (e.kind == MeterEvent.Kind.INVOICE_LINE || e.summary || r.nextInt(20) != 0) {
                continue;
            }
            MeterEvent c = ArrivalScenario.copy(e);
            switch (r.nextInt(3)) {
                case 0 -> {
                    c.eventTime -= 1_000L * (1 + r.nextInt(2 * 86_400));
                    c.quantity = e.quantity.add(BigDecimal.valueOf(1 + r.nextInt(50)));
                }
                case 1 -> c.eventTime += horizonMs;
                default -> c.eventTime += horizonMs + 1_000L * (1 + r.nextInt(86_400));
            }
            out.add(c);
        }
        return out;
    }
}
