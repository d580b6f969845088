package io.reckon.connectors.jdbc;

import java.io.Serializable;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Which buffered rows a later row makes pointless to write: rows of the same key that the table's
 * upsert would leave no trace of once the later row is written after them. {@link
 * CheckpointCommittedJdbcSink} then keeps only the later row, so that a job catching up through hours
 * of event time within one checkpoint interval (a replay, a restart after an outage) writes each
 * key-period's forecast or each key-hour's rollup once, not once per hourly tick.
 *
 * <p>Sound when "later overwrites earlier" is the upsert's own guard and is transitive: then writing
 * {@code earlier} and {@code later} in that order leaves whatever the table held, or {@code later},
 * exactly as writing {@code later} alone does. An unconditional upsert and a guard such as {@code
 * WHERE table.revision <= EXCLUDED.revision} are; an insert-only table has no supersession.
 *
 * @param <T> the row type
 */
public interface Supersession<T> extends Serializable {

    /** Rows of different keys never supersede each other (the upsert's conflict target). */
    Object key(T row);

    /** Whether {@code later}, written after {@code earlier}, leaves what it leaves alone. */
    boolean supersedes(T later, T earlier);

    /** The upsert's guard: whether {@code later} overwrites a table row equal to {@code earlier}. */
    @FunctionalInterface
    interface Guard<T> extends Serializable {
        boolean overwrites(T later, T earlier);
    }

    /** A later row of the same key always wins: an upsert without a guard. */
    static <T> Supersession<T> lastWins(SerializableFunction<T, Object> key) {
        return when(key, (later, earlier) -> true);
    }

    /** A later row of the same key wins when the upsert's {@code guard} lets it overwrite the earlier one. */
    static <T> Supersession<T> when(SerializableFunction<T, Object> key, Guard<T> guard) {
        return new Supersession<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public Object key(T row) {
                return key.apply(row);
            }

            @Override
            public boolean supersedes(T later, T earlier) {
                return guard.overwrites(later, earlier);
            }
        };
    }
}
