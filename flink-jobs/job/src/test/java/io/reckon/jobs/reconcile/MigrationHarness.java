package io.reckon.jobs.reconcile;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The harness of the serializer migration tests: one keyed function over lines "key,..." (keyed by
 * what precedes the first comma), on heap ("hashmap") or RocksDB state, restored from a snapshot when
 * one is given, and opened.
 */
final class MigrationHarness {

    private MigrationHarness() {}

    static KeyedOneInputStreamOperatorTestHarness<String, String, String> open(
            KeyedProcessFunction<String, String, String> function, String backend, OperatorSubtaskState restore)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), (String in) -> in.split(",")[0], Types.STRING);
        StateBackend stateBackend =
                backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
        h.setStateBackend(stateBackend);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }
}
