package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.checks.CopyRule;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link Dedup} against the copy rule applied from scratch: after every copy admitted and every sweep,
 * the copies the admissions made count, id by id, are exactly those {@link CopyRule} counts among every
 * copy of the id ever admitted, whatever was swept in between, with the ids in one table per key (heap
 * state) and as one entry each (RocksDB). The copies are drawn to be hard: event times a quarter of the
 * horizon apart, so that chains of copies each within the horizon of the next form and copies exactly
 * the horizon apart (and a millisecond either side) meet; quantities equal in value and not in scale;
 * quantities too wide for a slot; sweeps, after which copies arrive only from the first period that
 * still accepts records, as the operator ensures. Eight ids over up to 250 steps: most ids get more
 * distinct copies than a limit of {@link #LIMIT} (the job's is {@link Dedup#MAX_COPIES}, the same rule), of
 * which each keeps the first in the copy rule's order, whatever order they arrive in.
 */
class DedupPropertyTest {

    private static final long HORIZON = 24 * 3_600_000L;

    /** Distinct copies per id: low, so that most ids of a run pass it. */
    private static final int LIMIT = 16;

    sealed interface Step permits Admit, Sweep {}

    record Admit(String id, long time, BigDecimal quantity) implements Step {}

    /** The start of the first period that still accepts records moves to {@code keepFrom}. */
    record Sweep(long keepFrom) implements Step {}

    /** One copy, as the copy rule orders them (time, then quantity, then its scale). */
    record Copy(long time, BigDecimal quantity) {
        String key() {
            return time + "|" + quantity;
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<String> id = Arbitraries.integers().between(0, 7).map(i -> "evt-" + i);
        Arbitrary<Long> time = Combinators.combine(
                        Arbitraries.longs().between(0, 48), Arbitraries.of(0L, 0L, 0L, 1L, -1L))
                .as((quarters, ms) -> quarters * (HORIZON / 4) + ms);
        Arbitrary<BigDecimal> quantity = Arbitraries.of(
                new BigDecimal("1"),
                new BigDecimal("2"),
                new BigDecimal("2.0"),
                new BigDecimal("0.5"),
                new BigDecimal("1234567890123456789012.5"));
        Arbitrary<Step> admit = Combinators.combine(id, time, quantity).as(Admit::new);
        Arbitrary<Step> sweep = Arbitraries.longs().between(0, 24).map(halves -> new Sweep(halves * (HORIZON / 2)));
        return Arbitraries.frequencyOf(Tuple.of(20, admit), Tuple.of(1, sweep))
                .list()
                .ofMaxSize(250);
    }

    @Property(tries = 400)
    void countsWhatTheCopyRuleCountsAmongEveryCopyEverAdmitted(
            @ForAll("steps") List<Step> steps, @ForAll boolean tables) throws Exception {
        IdStore inUse = tables ? tableStore() : entryStore();
        IdStore other = tables ? entryStore() : tableStore();
        Dedup dedup = new Dedup(inUse, other, new InMemoryState.OfMap<>(), HORIZON, "event_id", LIMIT);
        Map<String, List<Copy>> ever = new TreeMap<>();
        Map<String, List<Copy>> kept = new HashMap<>();
        Map<String, List<Copy>> figures = new TreeMap<>();
        long floor = Long.MIN_VALUE;
        for (Step step : steps) {
            if (step instanceof Sweep s) {
                floor = Math.max(floor, s.keepFrom());
                dedup.sweep(floor);
                long cutoff = floor - HORIZON;
                kept.values().removeIf(copies -> copies.stream().allMatch(c -> c.time() < cutoff));
            } else if (step instanceof Admit a && a.time() >= floor) {
                admit(dedup, a, ever, kept, figures);
            }
            for (Map.Entry<String, List<Copy>> e : ever.entrySet()) {
                assertThat(keys(figures.get(e.getKey())))
                        .as("copies of %s counted after %s", e.getKey(), step)
                        .isEqualTo(keys(counted(e.getValue())));
            }
        }
        List<Copy> listed = new ArrayList<>();
        dedup.forEachCounted((time, q) -> listed.add(new Copy(time, q)));
        List<Copy> expected = new ArrayList<>();
        kept.values().forEach(copies -> expected.addAll(counted(copies)));
        assertThat(keys(listed)).as("the counted copies listed").isEqualTo(keys(expected));
    }

    @Example
    void anIdReusedDailyCountsEachDayUpToTheJobsLimit() throws Exception {
        // A producer whose counter starts again every day: "e-1" once a day, 25 hours apart.
        Dedup dedup = new Dedup(tableStore(), entryStore(), new InMemoryState.OfMap<>(), HORIZON, "event_id");
        long day = HORIZON + 3_600_000L;
        List<Admission.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i <= Dedup.MAX_COPIES; i++) {
            outcomes.add(dedup.admit("e-1", i * day, BigDecimal.TEN).outcome());
        }
        // Ids are kept for about 97 days (a month, the allowed lateness and a 35-day retention): every
        // day of that span counts.
        assertThat(outcomes.subList(0, 100))
                .as("the first 100 days")
                .doesNotContain(Admission.Outcome.DUPLICATE, Admission.Outcome.REFUSED);
        assertThat(outcomes.subList(0, Dedup.MAX_COPIES))
                .as("the first %d days", Dedup.MAX_COPIES)
                .doesNotContain(Admission.Outcome.DUPLICATE, Admission.Outcome.REFUSED);
        assertThat(outcomes.get(Dedup.MAX_COPIES)).isEqualTo(Admission.Outcome.REFUSED);
        assertThat(dedup.admit("e-1", 3 * day, BigDecimal.TEN).outcome()).isEqualTo(Admission.Outcome.DUPLICATE);
    }

    /** Admits one copy, checks the outcome against the kept copies, and applies what it changes. */
    private static void admit(
            Dedup dedup,
            Admit a,
            Map<String, List<Copy>> ever,
            Map<String, List<Copy>> kept,
            Map<String, List<Copy>> figures)
            throws Exception {
        Copy copy = new Copy(a.time(), a.quantity());
        List<Copy> known = kept.computeIfAbsent(a.id(), k -> new ArrayList<>());
        boolean exact = known.stream()
                .anyMatch(c -> CopyRule.compare(c.time(), c.quantity(), copy.time(), copy.quantity()) == 0);
        Admission admission = dedup.admit(a.id(), a.time(), a.quantity());
        List<Copy> counted = figures.computeIfAbsent(a.id(), k -> new ArrayList<>());
        if (exact) {
            assertThat(admission.outcome()).as("an exact copy of %s", a).isEqualTo(Admission.Outcome.DUPLICATE);
            return;
        }
        if (known.size() >= LIMIT) {
            Copy last = known.stream().max(ORDER).orElseThrow();
            if (ORDER.compare(copy, last) > 0) {
                assertThat(admission.outcome())
                        .as("copy %d of %s, after the %d kept", known.size() + 1, a, known.size())
                        .isEqualTo(Admission.Outcome.REFUSED);
                return;
            }
            // An earlier copy takes the place of the last: as if the last had never arrived.
            known.remove(last);
            ever.get(a.id()).removeIf(c -> c.key().equals(last.key()));
        }
        known.add(copy);
        ever.computeIfAbsent(a.id(), k -> new ArrayList<>()).add(copy);
        switch (admission.outcome()) {
            case COUNTED -> counted.add(copy);
            case CHANGED -> {
                for (Change c : admission.changes()) {
                    Copy changed = new Copy(c.time(), c.quantity());
                    if (c.sign() > 0) {
                        counted.add(changed);
                    } else {
                        assertThat(counted.removeIf(x -> x.key().equals(changed.key())))
                                .as("%s stops counting: it counted", changed)
                                .isTrue();
                    }
                }
            }
            case DUPLICATE -> {}
            case REFUSED -> throw new AssertionError("refused " + a + " with " + known.size() + " copies kept");
        }
    }

    /** The copy rule's order of copies. */
    private static final Comparator<Copy> ORDER =
            (x, y) -> CopyRule.compare(x.time(), x.quantity(), y.time(), y.quantity());

    /** The copies the copy rule counts among {@code copies}. */
    private static List<Copy> counted(List<Copy> copies) {
        List<Copy> sorted = new ArrayList<>(copies);
        sorted.sort(ORDER);
        long[] times = sorted.stream().mapToLong(Copy::time).toArray();
        boolean[] counts = CopyRule.counted(times, HORIZON);
        List<Copy> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            if (counts[i]) {
                out.add(sorted.get(i));
            }
        }
        return out;
    }

    private static List<String> keys(List<Copy> copies) {
        return copies == null
                ? List.of()
                : copies.stream().map(Copy::key).sorted().toList();
    }

    private static IdStore tableStore() {
        return new TableIdStore(new InMemoryState.OfValue<>());
    }

    private static IdStore entryStore() {
        return new EntryIdStore(new InMemoryState.OfMap<>());
    }
}
