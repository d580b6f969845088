package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.upgrade.UpgradeScenario;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.FinalAnomalies;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A savepoint between two records changes no answer: a stream cut in two, its first part run up to a
 * savepoint and the rest, led by copies of ids seen before the cut (exact ones, and earlier copies
 * with other quantities that take their place in hours already judged), run from it, ends with the
 * final anomalies of one uninterrupted run. With the same state backend on both sides of the cut, and
 * with the other one, although each keeps the deduplication ids in its own layout (one table per key
 * with heap state, an entry per id with RocksDB, see {@link IdStore}): were the ids of the first part
 * lost, the copies would count a second time. The copies arrive before the first watermark after the
 * restore, so they must be judged against the watermark reached before it ({@link WatermarkFloor}), not
 * as records of open hours.
 */
class SavepointRestoreTest {

    @ParameterizedTest
    @ValueSource(strings = {"heap-then-heap", "rocksdb-then-rocksdb", "rocksdb-then-heap", "heap-then-rocksdb"})
    void aSavepointBetweenTwoRecordsChangesNoAnswer(String backends) throws Exception {
        boolean rocksFirst = backends.startsWith("rocksdb");
        List<UpgradeScenario.Step> before = UpgradeScenario.before();
        List<UpgradeScenario.Step> after = new ArrayList<>(copiesOfUsageIn(before));
        after.addAll(UpgradeScenario.after());
        List<UpgradeScenario.Step> all = new ArrayList<>(before);
        all.addAll(after);

        Run fresh = run(new HashMapStateBackend(), null, all);
        Run first = run(rocksFirst ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend(), null, before);
        Run second = run(
                backends.endsWith("heap") ? new HashMapStateBackend() : new EmbeddedRocksDBStateBackend(),
                first.snapshot(),
                after);

        List<AnomalyRecord> switched = new ArrayList<>(first.anomalies());
        switched.addAll(second.anomalies());
        FinalAnomalies expected = new FinalAnomalies(fresh.anomalies());
        assertThat(expected.standing()).hasSizeGreaterThan(5);
        assertThat(new FinalAnomalies(switched).differencesFrom(expected)).isEmpty();
    }

    /**
     * A contract that arrives right after a restore, before the first watermark, reprices the periods
     * already evaluated, the final February ones included, as it does without the restore (no record
     * of that account's February arrives afterwards to have them evaluated again anyway).
     */
    @org.junit.jupiter.api.Test
    void aContractRightAfterARestoreReevaluatesWhatWasEvaluatedBefore() throws Exception {
        List<UpgradeScenario.Step> before = UpgradeScenario.before();
        List<UpgradeScenario.Step> after = new ArrayList<>();
        after.add(
                new UpgradeScenario.Contract(
                        io.reckon.jobs.testing.Contracts.event(
                                """
                {"account_id":"acct_b","version":2,"effective_from":"2026-01-01T00:00:00Z","currency":"eur",
                 "meters":[{"meter":"api_calls","pricing":{"model":"graduated","tiers":[
                    {"up_to":"500","unit_amount_decimal":"2","flat_amount_minor":0},
                    {"up_to":null,"unit_amount_decimal":"1","flat_amount_minor":100}]}}]}
                """)));
        after.addAll(UpgradeScenario.after());
        List<UpgradeScenario.Step> all = new ArrayList<>(before);
        all.addAll(after);

        Run fresh = run(new HashMapStateBackend(), null, all);
        Run first = run(new HashMapStateBackend(), null, before);
        Run second = run(new HashMapStateBackend(), first.snapshot(), after);

        List<AnomalyRecord> restored = new ArrayList<>(first.anomalies());
        restored.addAll(second.anomalies());
        FinalAnomalies expected = new FinalAnomalies(fresh.anomalies());
        FinalAnomalies unrepriced = new FinalAnomalies(
                run(new HashMapStateBackend(), null, UpgradeScenario.all()).anomalies());
        assertThat(expected.differencesFrom(unrepriced))
                .as("the new price changes answers")
                .isNotEmpty();
        assertThat(new FinalAnomalies(restored).differencesFrom(expected)).isEmpty();
    }

    /**
     * An invoice line held at a savepoint (it came before the first watermark) is judged after the
     * restore, against the contract version that arrived since: here one that moved the account to
     * euros, the line's currency. Lost in the savepoint, or judged before that version, the line would
     * leave February unbilled.
     */
    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void aLineHeldAtASavepointIsJudgedAfterTheRestore(String backend) throws Exception {
        String account = "acct_held";
        long february = java.time.Instant.parse("2026-02-10T10:00:00Z").toEpochMilli();
        List<UpgradeScenario.Step> before = List.of(
                new UpgradeScenario.Contract(io.reckon.jobs.testing.Contracts.event(
                        io.reckon.jobs.testing.Contracts.perUnit(account, 1, "2025-06-01T00:00:00Z", "m", "1"))),
                new UpgradeScenario.Record(MeterEvent.usage("u1", account, "m", february, new BigDecimal("100"))),
                new UpgradeScenario.Record(MeterEvent.reported("r1", account, "m", february, new BigDecimal("100"))),
                new UpgradeScenario.Record(
                        UpgradeScenario.line("il_1", account, "m", "2026-02-01T00:00:00Z", 100, "eur")));
        List<UpgradeScenario.Step> after = List.of(
                new UpgradeScenario.Contract(io.reckon.jobs.testing.Contracts.event(
                        io.reckon.jobs.testing.Contracts.perUnit(account, 2, "2026-02-01T00:00:00Z", "m", "1")
                                .replace("usd", "eur"))),
                new UpgradeScenario.Watermark(
                        java.time.Instant.parse("2026-04-01T00:00:00Z").toEpochMilli()));
        StateBackend state = backend.equals("heap") ? new HashMapStateBackend() : new EmbeddedRocksDBStateBackend();

        Run first = run(state, null, before);
        Run second = run(state, first.snapshot(), after);

        assertThat(first.anomalies()).isEmpty();
        assertThat(second.anomalies()).isEmpty(); // 100 used, reported and billed in euros
        List<UpgradeScenario.Step> unbilled = new ArrayList<>(before.subList(0, 3));
        unbilled.addAll(after);
        assertThat(run(new HashMapStateBackend(), null, unbilled).anomalies())
                .as("without the line, February is unbilled")
                .extracting(a -> a.type)
                .contains("UNBILLED_USAGE");
    }

    /**
     * For every fifth usage record of the open period before the cut: an exact copy, and for every
     * tenth also a copy a minute earlier with one unit more, which takes the first copy's place.
     */
    private static List<UpgradeScenario.Step> copiesOfUsageIn(List<UpgradeScenario.Step> steps) {
        long open = java.time.Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
        List<UpgradeScenario.Step> copies = new ArrayList<>();
        int n = 0;
        for (UpgradeScenario.Step s : steps) {
            if (s instanceof UpgradeScenario.Record r
                    && r.event().kind == MeterEvent.Kind.USAGE
                    && r.event().eventTime >= open
                    && n++ % 5 == 0) {
                MeterEvent e = r.event();
                copies.add(new UpgradeScenario.Record(
                        MeterEvent.usage(e.id, e.accountId, e.meter, e.eventTime, e.quantity)));
                if (n % 10 == 1) {
                    copies.add(new UpgradeScenario.Record(MeterEvent.usage(
                            e.id, e.accountId, e.meter, e.eventTime - 60_000L, e.quantity.add(BigDecimal.ONE))));
                }
            }
        }
        assertThat(copies).hasSizeGreaterThan(100);
        return copies;
    }

    record Run(List<AnomalyRecord> anomalies, OperatorSubtaskState snapshot) {}

    /** Runs {@code steps} on the backend, from {@code restore} if not null, and takes a canonical savepoint. */
    static Run run(StateBackend backend, OperatorSubtaskState restore, List<UpgradeScenario.Step> steps)
            throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new ReconcileOperator(new ReconcileFunction(ReconSettings.defaults())),
                        MeterEvent::key,
                        Types.STRING,
                        1,
                        1,
                        0)) {
            h.setStateBackend(backend);
            if (restore != null) {
                h.initializeState(restore);
            }
            h.open();
            UpgradeScenario.feed(h, steps);
            // As before every barrier in a job (the harness's snapshot alone does not): the records
            // combined in memory go to state.
            h.prepareSnapshotPreBarrier(1L);
            // A savepoint in the canonical format: the one a state backend can be changed at.
            OperatorSubtaskState snapshot = h.snapshotWithLocalState(
                            1L, 1L, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                    .getJobManagerOwnedState();
            return new Run(new ArrayList<>(h.extractOutputValues()), snapshot);
        }
    }
}
