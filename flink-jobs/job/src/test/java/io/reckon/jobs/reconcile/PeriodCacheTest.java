package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * {@link Periods} holding each key's periods while a watermark's timers fire ({@link PeriodCache})
 * reads what it would have read from state and, once written back, leaves state as it would have
 * been without holding: the same periods and the same index of starts, for every key.
 */
class PeriodCacheTest {

    private static final String[] KEYS = {"acct-1|api_calls", "acct-1|storage", "acct-2|api_calls"};

    sealed interface Op permits Add, Update, Remove, Read, WriteHeld {}

    /** The key that becomes current, then a new period at {@code start} (Rebucketing, a record). */
    record Add(int key, int start) implements Op {}

    /** A new version of the period at {@code start}, if the key has it (a tick, a flush). */
    record Update(int key, int start) implements Op {}

    record Remove(int key, int start) implements Op {}

    /** Every read: the period at {@code start}, whether it exists, all of them, whether there are any. */
    record Read(int key, int start) implements Op {}

    /** Enough keys are held: the operator has them written before the next timer. */
    record WriteHeld() implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> key = Arbitraries.integers().between(0, KEYS.length - 1);
        Arbitrary<Integer> start = Arbitraries.integers().between(0, 5);
        return Arbitraries.<Op>frequencyOf(
                        Tuple.of(4, Combinators.combine(key, start).as(Add::new)),
                        Tuple.of(6, Combinators.combine(key, start).as(Update::new)),
                        Tuple.of(3, Combinators.combine(key, start).as(Remove::new)),
                        Tuple.of(6, Combinators.combine(key, start).as(Read::new)),
                        Tuple.of(1, Arbitraries.just(new WriteHeld())))
                .list()
                .ofMaxSize(80);
    }

    @Property(tries = 500)
    void holdingChangesNothingThatIsReadOrWritten(
            @ForAll("operations") List<Op> ops, @ForAll("operations") List<Op> before) throws Exception {
        KeyedState direct = new KeyedState();
        KeyedState held = new KeyedState();
        Periods directPeriods = direct.periods();
        Periods heldPeriods = held.periods();
        // State as earlier watermarks and records left it.
        for (Op op : before) {
            apply(op, directPeriods, direct, 0);
            apply(op, heldPeriods, held, 0);
        }
        heldPeriods.beginHolding(() -> held.current);
        int version = 1;
        for (Op op : ops) {
            version++;
            List<String> readDirect = apply(op, directPeriods, direct, version);
            List<String> readHeld =
                    op instanceof WriteHeld ? writeHeld(heldPeriods, held) : apply(op, heldPeriods, held, version);
            assertThat(readHeld).as("%s", op).isEqualTo(readDirect);
        }
        heldPeriods.endHolding(k -> held.current = (String) k);
        for (String key : KEYS) {
            assertThat(held.contents(key)).as(key).isEqualTo(direct.contents(key));
            assertThat(held.index(key)).as(key).isEqualTo(direct.index(key));
            assertThat(direct.index(key)).as(key).isEqualTo(direct.starts(key));
        }
    }

    /** Applies {@code op} with its key current; returns what it read. */
    private static List<String> apply(Op op, Periods periods, KeyedState state, int version) throws Exception {
        List<String> read = new ArrayList<>();
        if (op instanceof Add a) {
            state.current = KEYS[a.key()];
            if (periods.get(a.start()) == null) {
                periods.add(period(a.start(), version));
            }
        } else if (op instanceof Update u) {
            state.current = KEYS[u.key()];
            if (periods.get(u.start()) != null) {
                periods.put(period(u.start(), version));
            }
        } else if (op instanceof Remove r) {
            state.current = KEYS[r.key()];
            periods.remove(r.start());
        } else if (op instanceof Read r) {
            state.current = KEYS[r.key()];
            read.add(describe(periods.get(r.start())));
            read.add(String.valueOf(periods.contains(r.start())));
            read.add(String.valueOf(periods.isEmpty()));
            periods.all().forEach(p -> read.add(describe(p)));
        }
        return read;
    }

    /** What the operator does when enough keys are held: write them, then make the timer's key current again. */
    private static List<String> writeHeld(Periods periods, KeyedState state) throws Exception {
        String current = state.current;
        periods.writeHeld(k -> state.current = (String) k);
        state.current = current;
        return List.of();
    }

    private static PeriodState period(int start, int version) {
        PeriodState p = PeriodState.of(start * 1_000L, start * 1_000L + 1_000L);
        p.maturedBefore = version;
        return p;
    }

    private static String describe(PeriodState p) {
        return p == null ? "none" : p.start + "@" + p.maturedBefore;
    }

    /** Keyed state of several keys in plain maps; the current key chooses, as in a keyed backend. */
    private static final class KeyedState {
        String current = KEYS[0];
        final Map<String, InMemoryState.OfMap<Long, PeriodState>> maps = new TreeMap<>();
        final Map<String, InMemoryState.OfValue<long[]>> indexes = new TreeMap<>();
        final Map<String, InMemoryState.OfValue<Integer>> anchors = new TreeMap<>();
        final Map<String, InMemoryState.OfValue<long[]>> cuts = new TreeMap<>();

        Periods periods() {
            return new Periods(
                    keyed(MapState.class, k -> maps.computeIfAbsent(k, x -> new InMemoryState.OfMap<>())),
                    keyed(ValueState.class, k -> indexes.computeIfAbsent(k, x -> new InMemoryState.OfValue<>())),
                    new KeyCut(
                            keyed(
                                    ValueState.class,
                                    k -> anchors.computeIfAbsent(k, x -> new InMemoryState.OfValue<>())),
                            keyed(ValueState.class, k -> cuts.computeIfAbsent(k, x -> new InMemoryState.OfValue<>()))),
                    ReconSettings.defaults(),
                    new LegacyLayout(null));
        }

        /** A state whose every call goes to the current key's. */
        @SuppressWarnings("unchecked")
        private <S> S keyed(Class<?> type, Function<String, Object> ofKey) {
            return (S) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
                try {
                    return m.invoke(ofKey.apply(current), args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        }

        List<String> contents(String key) {
            List<String> all = new ArrayList<>();
            InMemoryState.OfMap<Long, PeriodState> map = maps.get(key);
            if (map != null) {
                new TreeMap<>(toMap(map)).values().forEach(p -> all.add(describe(p)));
            }
            return all;
        }

        List<Long> index(String key) {
            InMemoryState.OfValue<long[]> index = indexes.get(key);
            long[] starts = index == null ? null : index.value();
            List<Long> all = new ArrayList<>();
            if (starts != null) {
                for (long s : starts) {
                    all.add(s);
                }
            }
            return all;
        }

        List<Long> starts(String key) {
            InMemoryState.OfMap<Long, PeriodState> map = maps.get(key);
            return map == null ? List.of() : new ArrayList<>(new TreeMap<>(toMap(map)).keySet());
        }

        private static Map<Long, PeriodState> toMap(InMemoryState.OfMap<Long, PeriodState> map) {
            Map<Long, PeriodState> all = new TreeMap<>();
            map.entries().forEach(e -> all.put(e.getKey(), e.getValue()));
            return all;
        }
    }
}
