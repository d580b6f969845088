package io.reckon.jobs.reconcile;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/** Keyed state of one key in plain Java objects, for pure tests of what Reckon keeps in state. */
final class InMemoryState {

    private InMemoryState() {}

    /** A {@link MapState} in a map. */
    static final class OfMap<K, V> implements MapState<K, V> {
        private final Map<K, V> map = new LinkedHashMap<>();

        @Override
        public V get(K key) {
            return map.get(key);
        }

        @Override
        public void put(K key, V value) {
            map.put(key, value);
        }

        @Override
        public void putAll(Map<K, V> all) {
            map.putAll(all);
        }

        @Override
        public void remove(K key) {
            map.remove(key);
        }

        @Override
        public boolean contains(K key) {
            return map.containsKey(key);
        }

        @Override
        public Iterable<Map.Entry<K, V>> entries() {
            return map.entrySet();
        }

        @Override
        public Iterable<K> keys() {
            return map.keySet();
        }

        @Override
        public Iterable<V> values() {
            return map.values();
        }

        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return map.entrySet().iterator();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public void clear() {
            map.clear();
        }
    }

    /** A {@link ValueState} in a field. */
    static final class OfValue<T> implements ValueState<T> {
        private T value;

        @Override
        public T value() {
            return value;
        }

        @Override
        public void update(T v) {
            value = v;
        }

        @Override
        public void clear() {
            value = null;
        }
    }
}
