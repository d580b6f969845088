package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.ArrivalScenario;
import io.reckon.jobs.testing.Deliveries;
import io.reckon.jobs.testing.FinalAnomalies;
import io.reckon.jobs.testing.OracleContract;
import io.reckon.jobs.testing.OracleInputs;
import io.reckon.jobs.testing.SpecOracle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;

/**
 * The job's final leak anomalies are the spec's: generated streams go through the production operator
 * in any delivery, and what stands at the end must be what {@link SpecOracle}, a batch reading of the
 * spec that shares no code with the job, computes from the same records.
 *
 * <p>The records are {@link ArrivalScenario}'s, with the contracts first or among them, and with what it
 * does not make: contracts drawn at random (each pricing model, aggregation, included quantity,
 * minimum, tolerance, a renewal with an escalator, a contract in eur, whose usd lines are dead-lettered,
 * a first version in effect only after records began, an account without any, a second version that starts at any time, leaves a meter out or
 * moves the anchor day), copies of some ids earlier with another quantity (which count instead of the
 * original, in an earlier period when they fall there), exactly one horizon after (duplicates) and
 * further (which count on their own), and for some periods one invoice line fitted to within two
 * cents of the reported usage priced without the escalator, so that the billing checks meet their
 * boundaries and RENEWAL_DRIFT occurs.
 */
class SpecOracleTest {

    @Provide
    Arbitrary<ArrivalScenario.Shape> shapes() {
        return new ArrivalOrderPropertyTest().shapes();
    }

    @Property(tries = 150)
    void theFinalLeaksAreWhatTheSpecComputesFromTheRecordsAlone(
            @ForAll("shapes") ArrivalScenario.Shape shape,
            @ForAll long seed,
            @ForAll Deliveries delivery,
            @ForAll boolean contractsFirst)
            throws Exception {
        check(shape, seed, delivery, contractsFirst, null);
    }

    /** The same with RocksDB state: every value through its serializer, the ids an entry each, periods held. */
    @Property(tries = 3)
    void withRocksDbStateToo(
            @ForAll("shapes") ArrivalScenario.Shape shape,
            @ForAll long seed,
            @ForAll Deliveries delivery,
            @ForAll boolean contractsFirst)
            throws Exception {
        check(shape, seed, delivery, contractsFirst, new EmbeddedRocksDBStateBackend());
    }

    private static void check(
            ArrivalScenario.Shape shape, long seed, Deliveries delivery, boolean contractsFirst, StateBackend backend)
            throws Exception {
        ReconSettings settings = ArrivalOrderPropertyTest.SETTINGS;
        Random r = new Random(seed);
        // Currencies from a generator of their own: the examples' samples draw the same as before.
        Random money = new Random(~seed);
        List<OracleContract.Version> contracts = OracleInputs.contracts(shape, r, money);
        SpecOracle oracle = new SpecOracle(contracts, settings.dedupHorizonMs());
        List<MeterEvent> records =
                new ArrayList<>(ArrivalScenario.generate(seed, shape).records());
        records.addAll(OracleInputs.strayCopies(records, settings.dedupHorizonMs(), r));
        records = OracleInputs.fittedLines(records, oracle, r);

        OperatorRun.Result run = OperatorRun.run(
                new ReconcileFunction(settings),
                contracts.stream().map(OracleContract.Version::event).toList(),
                delivery.order(records, seed),
                contractsFirst,
                seed,
                backend);

        List<String> expected = oracle.standing(records);
        List<String> actual = new FinalAnomalies(leaks(run.anomalies())).standing();
        assertThat(new FinalAnomalies(run.anomalies()).revisionsOutOfOrder())
                .as(delivery + " delivery, contracts first: " + contractsFirst)
                .isEmpty();
        // Most scenarios hold leaks (checked over the whole run below); one whose periods are all
        // unmapped holds none, and then the job must find none either.
        Statistics.label("the spec finds leaks").collect(!expected.isEmpty());
        Statistics.label("the spec finds leaks").coverage(c -> c.check(true).percentage(p -> p >= 80));
        assertThat(actual)
                .as(delivery + " delivery, contracts first: " + contractsFirst)
                .containsExactlyInAnyOrderElementsOf(expected);
        // The scenario's lines are in usd: an account whose contract is in eur has them dead-lettered.
        assertThat(run.rejected())
                .as("only lines in another currency than their contract's are refused")
                .allSatisfy(d ->
                        assertThat(d.reason).matches("invoice line .* is in usd but the contract of .* is in eur"));
    }

    /**
     * Samples the property once shrank to. A copy exactly one horizon after its original, delivered
     * first, was counted in the next period and then replaced: that period held nothing, yet billed its
     * minimum as UNBILLED_USAGE.
     */
    @Example
    void aPeriodWhoseOnlyCopyWasReplacedBillsNothingUnderAMinimum() throws Exception {
        theFinalLeaksAreWhatTheSpecComputesFromTheRecordsAlone(
                new ArrivalScenario.Shape(2, true, true, true, 0, true, false, true, true),
                14_184L,
                Deliveries.SHUFFLED,
                true);
    }

    /** A second version that leaves storage out arrived after March was priced with the first: March's anomalies stood. */
    @Example
    void aVersionThatLeavesAMeterOutResolvesItsPricedAnomalies() throws Exception {
        theFinalLeaksAreWhatTheSpecComputesFromTheRecordsAlone(
                new ArrivalScenario.Shape(2, true, true, true, 0, true, true, true, true),
                3L,
                Deliveries.EVENT_TIME,
                false);
    }

    /** A version that moved the anchor day arrived after invoice lines of a period without usage: the period was lost. */
    @Example
    void periodsCutAnewKeepThoseWithOnlyInvoiceLines() throws Exception {
        theFinalLeaksAreWhatTheSpecComputesFromTheRecordsAlone(
                new ArrivalScenario.Shape(1, true, true, true, 0, true, true, true, true),
                3_206L,
                Deliveries.EVENT_TIME,
                false);
    }

    private static List<AnomalyRecord> leaks(List<AnomalyRecord> revisions) {
        return revisions.stream()
                .filter(a -> AnomalyType.valueOf(a.type).isLeak())
                .toList();
    }
}
