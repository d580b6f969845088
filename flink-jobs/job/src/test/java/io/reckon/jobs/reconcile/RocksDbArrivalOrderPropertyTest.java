package io.reckon.jobs.reconcile;

import io.reckon.jobs.testing.ArrivalScenario;
import io.reckon.jobs.testing.Deliveries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;

/**
 * The arrival-order property ({@link ArrivalOrderPropertyTest}) across state backends: the generated
 * streams delivered shuffled, grouped by account or late, with RocksDB state, end with the final
 * anomalies of the event-time delivery with heap state. With RocksDB every state value is written and
 * read back through its serializer on each access, and the deduplication ids keep an entry each
 * instead of a table per key ({@link IdStore}), so a change made to a state object and never written
 * back, or a layout that counts a copy differently, shows here and not with heap state.
 */
class RocksDbArrivalOrderPropertyTest {

    @Provide
    Arbitrary<ArrivalScenario.Shape> shapes() {
        return new ArrivalOrderPropertyTest().shapes();
    }

    @Property(tries = 6)
    void rocksDbInAnyOrderEndsWithTheFinalAnomaliesOfHeapStateInEventTimeOrder(
            @ForAll("shapes") ArrivalScenario.Shape shape,
            @ForAll long seed,
            @ForAll Deliveries delivery,
            @ForAll boolean contractsFirst)
            throws Exception {
        ArrivalScenario.Input input = ArrivalScenario.generate(seed, shape);
        OperatorRun.Result heap = OperatorRun.run(
                new ReconcileFunction(ArrivalOrderPropertyTest.SETTINGS),
                input.contracts(),
                Deliveries.EVENT_TIME.order(input.records(), seed),
                true,
                seed,
                null);
        OperatorRun.Result rocks = OperatorRun.run(
                new ReconcileFunction(ArrivalOrderPropertyTest.SETTINGS),
                input.contracts(),
                delivery.order(input.records(), seed),
                contractsFirst,
                seed,
                new EmbeddedRocksDBStateBackend());

        String run = "RocksDB, " + delivery + " delivery, contracts first: " + contractsFirst;
        ArrivalOrderPropertyTest.assertSameFinalAnomalies(heap, rocks, run);
        ArrivalOrderPropertyTest.assertSameCounts(heap, rocks, run);
    }
}
