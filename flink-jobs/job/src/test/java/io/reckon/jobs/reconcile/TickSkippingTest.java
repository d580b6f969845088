package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.ArrivalScenario;
import io.reckon.jobs.testing.Contracts;
import io.reckon.jobs.testing.Deliveries;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A key ticks only at the hours at which an evaluation can change without a new record ({@link
 * NextTick}). Skipping the others must not change a single revision: generated streams (the arrival
 * scenarios, plus a quiet account with a record about once a week, runs of usage without reports and
 * reports without usage), in any delivery, give exactly the revisions of the same job ticking every
 * key at every hour, with the same figures and the same watermark.
 */
class TickSkippingTest {

    private static final long HOUR = ReconSettings.HOUR_MS;
    private static final Instant FROM = Instant.parse("2026-02-01T00:00:00Z");
    private static final int HOURS = 59 * 24;
    private static final String QUIET = "acct_quiet";

    private static final ReconSettings SETTINGS = ArrivalOrderPropertyTest.SETTINGS;

    @Provide
    Arbitrary<ArrivalScenario.Shape> shapes() {
        return Combinators.combine(
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 10),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                .as((anchor15, summaries, copies, gap, spike) ->
                        new ArrivalScenario.Shape(1, false, anchor15, false, copies, summaries, gap, spike, true));
    }

    @Property(tries = 20)
    void skippingHoursChangesNoRevision(
            @ForAll("shapes") ArrivalScenario.Shape shape, @ForAll long seed, @ForAll Deliveries delivery)
            throws Exception {
        ArrivalScenario.Input input = ArrivalScenario.generate(seed, shape);
        List<ContractEvent> contracts = new ArrayList<>(input.contracts());
        contracts.add(Contracts.event(Contracts.perUnit(QUIET, 1, "2026-01-01T00:00:00Z", "api_calls", "3")));
        List<MeterEvent> records = new ArrayList<>(input.records());
        records.addAll(quietRecords(new Random(seed)));
        List<MeterEvent> delivered = delivery.order(records, seed);

        OperatorRun.Result skipping =
                OperatorRun.run(new ReconcileFunction(SETTINGS), contracts, delivered, true, seed);
        OperatorRun.Result hourly =
                OperatorRun.run(new ReconcileFunction(SETTINGS).tickingEveryHour(), contracts, delivered, true, seed);

        assertThat(hourly.anomalies()).as("the reference raises anomalies").isNotEmpty();
        assertThat(sorted(skipping)).as("%s delivery", delivery).containsExactlyElementsOf(sorted(hourly));
    }

    /** Revisions as comparable text, by anomaly and revision (keys tick in no fixed order within an hour). */
    private static List<String> sorted(OperatorRun.Result r) {
        return r.anomalies().stream()
                .sorted(java.util.Comparator.comparing((io.reckon.jobs.records.AnomalyRecord a) -> a.anomalyId)
                        .thenComparingInt(a -> a.revision))
                // By value: a period's sum keeps the scale of a copy taken away from it (a later copy
                // replaced by an earlier one of the same id), so its scale, not its value, follows
                // whether the copy's hour had matured then, which the ticks decide.
                .map(a -> ReconcileOperatorTest.fields(a, true))
                .toList();
    }

    /**
     * About one record a week at a random hour, with its report, a short one or none; now and then a run
     * of usage hours without reports (a gap can open) or a report without usage.
     */
    private static List<MeterEvent> quietRecords(Random r) {
        List<MeterEvent> out = new ArrayList<>();
        int n = 0;
        for (int week = 0; week < HOURS / 168; week++) {
            long hour = FROM.toEpochMilli() + (week * 168L + r.nextInt(168)) * HOUR;
            int usageHours = r.nextInt(4) == 0 ? 2 + r.nextInt(10) : 1;
            for (int i = 0; i < usageHours; i++) {
                long t = hour + i * HOUR + r.nextInt(3_600) * 1_000L;
                BigDecimal q = BigDecimal.valueOf(1 + r.nextInt(50));
                String id = "quiet-u" + n++;
                out.add(MeterEvent.usage(id, QUIET, "api_calls", t, q));
                int report = usageHours > 1 ? 0 : r.nextInt(5);
                if (report > 1) {
                    out.add(MeterEvent.reported(
                            "r-" + id, QUIET, "api_calls", t, report == 2 ? q.subtract(BigDecimal.ONE) : q));
                }
            }
            if (r.nextInt(3) == 0) {
                long t = hour + (usageHours + 1 + r.nextInt(24)) * HOUR;
                out.add(MeterEvent.reported(
                        "quiet-r" + n++, QUIET, "api_calls", t, BigDecimal.valueOf(1 + r.nextInt(9))));
            }
        }
        return out;
    }
}
