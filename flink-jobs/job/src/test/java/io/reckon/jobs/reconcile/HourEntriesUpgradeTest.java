package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.upgrade.UpgradeScenario;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.testing.FinalAnomalies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The upgrade of RocksDB state from an entry per hour ({@link EntryHourStore}, the layout of every
 * savepoint taken with RocksDB before the days) to entries per day and month ({@link DayHourStore}): a
 * savepoint whose hours are entries, restored, ends the stream with the final anomalies of one
 * uninterrupted run. The savepoint is made from one of the current layout by moving each key's hours
 * from its days and months into entries of the former state ("hours", the same name and serializer);
 * the days the ticks settled are in months in it.
 */
class HourEntriesUpgradeTest {

    private static SavepointRestoreTest.Run run(OperatorSubtaskState restore, List<UpgradeScenario.Step> steps)
            throws Exception {
        return SavepointRestoreTest.run(new EmbeddedRocksDBStateBackend(), restore, steps);
    }

    @Test
    void aSavepointWithAnEntryPerHourRestoresIntoDaysAndChangesNoAnswer() throws Exception {
        DaysToEntries move = new DaysToEntries(false);
        assertARewrittenSavepointChangesNoAnswer(move);
        assertThat(move.hours).as("hours moved into entries").isGreaterThan(500);
        assertThat(move.monthHours)
                .as("hours of days settled by the ticks, in months")
                .isGreaterThan(240);
        assertThat(move.days)
                .as("days of the keys' latest hours, not settled yet")
                .isPositive();
    }

    /**
     * A savepoint of the layout before the months, every hour in an entry per day (settled days packed),
     * restored: the days go into months as their weeks end, and the answers are those of one
     * uninterrupted run.
     */
    @Test
    void aSavepointWithAnEntryPerDayRestoresIntoMonthsAndChangesNoAnswer() throws Exception {
        DaysToEntries move = new DaysToEntries(true);
        assertARewrittenSavepointChangesNoAnswer(move);
        assertThat(move.monthHours)
                .as("hours of days settled by the ticks, in months")
                .isGreaterThan(240);
    }

    /**
     * The scenario run whole, and in two halves with the savepoint between them rewritten by {@code
     * move}: the same final anomalies.
     */
    private static void assertARewrittenSavepointChangesNoAnswer(DaysToEntries move) throws Exception {
        List<UpgradeScenario.Step> before = UpgradeScenario.before();
        List<UpgradeScenario.Step> all = new ArrayList<>(before);
        all.addAll(UpgradeScenario.after());

        List<AnomalyRecord> fresh = run(null, all).anomalies();
        SavepointRestoreTest.Run first = run(null, before);
        OperatorSubtaskState rewritten = rewrite(first.snapshot(), move);

        List<AnomalyRecord> upgraded = new ArrayList<>(first.anomalies());
        upgraded.addAll(run(rewritten, UpgradeScenario.after()).anomalies());
        FinalAnomalies expected = new FinalAnomalies(fresh);
        assertThat(expected.standing()).hasSizeGreaterThan(5);
        assertThat(new FinalAnomalies(upgraded).differencesFrom(expected)).isEmpty();
    }

    private static OperatorSubtaskState rewrite(OperatorSubtaskState snapshot, DaysToEntries move) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, String, String> h =
                new KeyedOneInputStreamOperatorTestHarness<>(move, in -> in, Types.STRING, 1, 1, 0)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.initializeState(snapshot);
            h.open();
            return savepoint(h);
        }
    }

    private static OperatorSubtaskState savepoint(
            org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness<?> h) throws Exception {
        return h.snapshotWithLocalState(1L, 1L, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState();
    }

    /**
     * At its start, moves every key's hours from their days and months into an entry per hour, or into
     * an entry per day (packed: settled days were packed before the months).
     */
    private static final class DaysToEntries extends AbstractStreamOperator<String>
            implements OneInputStreamOperator<String, String> {

        private final boolean toDays;

        long hours;
        long days;
        long monthHours;

        DaysToEntries(boolean toDays) {
            this.toDays = toDays;
        }

        @Override
        public void open() throws Exception {
            super.open();
            MapState<Long, HourDay> days = state(new MapStateDescriptor<>(
                    ReconState.HOUR_DAYS, LongSerializer.INSTANCE, HourDaySerializer.INSTANCE));
            MapState<Long, HourMonth> months = state(new MapStateDescriptor<>(
                    ReconState.HOUR_MONTHS, LongSerializer.INSTANCE, HourMonthSerializer.INSTANCE));
            MapState<Long, HourBucket> entries =
                    state(new MapStateDescriptor<>(ReconState.HOURS, Types.LONG, TypeInformation.of(HourBucket.class)));
            org.apache.flink.runtime.state.KeyedStateBackend<String> backend = getKeyedStateBackend();
            Set<String> keys = new TreeSet<>();
            for (String name : List.of(ReconState.HOUR_DAYS, ReconState.HOUR_MONTHS)) {
                try (Stream<String> all = backend.getKeys(name, VoidNamespace.INSTANCE)) {
                    all.forEach(keys::add);
                }
            }
            for (String key : keys) {
                setCurrentKey(key);
                for (Map.Entry<Long, HourDay> d : days.entries()) {
                    this.days++;
                }
                for (Map.Entry<Long, HourMonth> m : months.entries()) {
                    monthHours += m.getValue().size();
                }
                DayHourStore store = new DayHourStore(days, months);
                TreeMap<Long, HourBucket> all = new TreeMap<>();
                store.forEach(all::put);
                store.clear();
                hours += all.size();
                if (toDays) {
                    store.putAbsent(all);
                    for (Map.Entry<Long, HourDay> d : days.entries()) {
                        days.put(d.getKey(), d.getValue().settled());
                    }
                } else {
                    entries.putAll(all);
                }
            }
        }

        private <K, V> MapState<K, V> state(MapStateDescriptor<K, V> descriptor) throws Exception {
            return getKeyedStateBackend()
                    .getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
        }

        @Override
        public void processElement(StreamRecord<String> element) {}
    }
}
