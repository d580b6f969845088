package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.CopyRule;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.state.MapState;

/**
 * Deduplication of usage event_ids (or report_ids of kind event) by {@link CopyRule}: every distinct
 * copy of an id is kept while its period's state is, so that whichever copy arrives first, and however
 * far apart the copies arrive, the copies that count are the same. A copy earlier than the one that
 * counted takes its place (the figures move with it); an exact copy, the common retry, adds nothing.
 *
 * <p>Cost: per id, the id plus {@link IdCopiesSerializer}'s encoding (15 bytes for one copy of a
 * scale-9 quantity), for as long as a copy within the horizon could still arrive for a retained period
 * (docs/reconciliation.md, "Deduplication"): with RocksDB one map entry each (and a key's marker, see
 * {@link EntryIdStore}), with heap state a slot of the key's {@link IdTable} (see {@link IdStore}).
 * Ids of the first state layout are taken over when a job first starts from a savepoint of it ({@link
 * #takeOverLegacy}), and so are ids kept in the other layout ({@link #takeOverOtherLayout}).
 */
final class Dedup {

    /**
     * Distinct copies one id may keep. More is no retry pattern but a producer reusing ids: an id keeps
     * its first copies in {@link CopyRule} order, whatever the order they arrive in, so that one id
     * cannot grow without bound and the copies that count still do not depend on arrival. A copy after
     * all of them is refused with a dead letter; an earlier one takes the place of the last, which then
     * no longer counts (a duplicate). 128 covers a producer whose event counter starts again every day
     * (each day's "e-1" more than the horizon from the last, so each counts) over the span a key's
     * ids are kept: a month, the allowed lateness and the retention after it, about 97 days.
     */
    static final int MAX_COPIES = 128;

    private final IdStore copies;
    /** The same ids in the layout not in use: empty but for a key restored from a savepoint of it. */
    private final IdStore otherLayout;

    private final MapState<String, Long> legacy;
    private final long horizonMs;
    private final String idName;
    private final int maxCopies;

    Dedup(IdStore copies, IdStore otherLayout, MapState<String, Long> legacy, long horizonMs, String idName) {
        this(copies, otherLayout, legacy, horizonMs, idName, MAX_COPIES);
    }

    /** With a limit of {@code maxCopies} distinct copies per id instead of {@link #MAX_COPIES}. */
    Dedup(
            IdStore copies,
            IdStore otherLayout,
            MapState<String, Long> legacy,
            long horizonMs,
            String idName,
            int maxCopies) {
        this.copies = copies;
        this.otherLayout = otherLayout;
        this.legacy = legacy;
        this.horizonMs = horizonMs;
        this.idName = idName;
        this.maxCopies = maxCopies;
    }

    /** Admits one copy of {@code id}: what it changes in the figures. */
    Admission admit(String id, long time, BigDecimal quantity) throws Exception {
        IdCopies known = copies.putIfAbsent(id, IdCopies.one(time, quantity));
        if (known == null) {
            return Admission.COUNTED;
        }
        if (known.contains(time, quantity)) {
            return Admission.DUPLICATE;
        }
        if (known.hasLegacyCopy()) {
            return admitNextToLegacy(id, known, time, quantity);
        }
        if (known.size() >= maxCopies && known.isLast(time, quantity)) {
            return Admission.refused(idName + " " + id + " already has " + maxCopies
                    + " distinct copies earlier than this one (event times, then quantities); it is not counted");
        }
        IdCopies next = known.with(time, quantity);
        if (next.size() > maxCopies) {
            next = next.withoutLast();
        }
        copies.put(id, next);
        return Admission.changed(difference(known, next));
    }

    /**
     * Copies of an id taken over from the previous layout, which kept only the event time of the copy
     * that counted: a new copy within the horizon of it is a duplicate, one beyond counts on its own.
     */
    private Admission admitNextToLegacy(String id, IdCopies known, long time, BigDecimal quantity) throws Exception {
        for (int i = 0; i < known.size(); i++) {
            if (Math.abs(known.time(i) - time) <= horizonMs) {
                return Admission.DUPLICATE;
            }
        }
        if (known.size() >= maxCopies) {
            return Admission.refused(idName + " " + id + " already has " + maxCopies + " distinct copies");
        }
        copies.put(id, known.with(time, quantity));
        return Admission.COUNTED;
    }

    /**
     * Takes the current key's ids of the previous layout over (each the time of the copy that counted,
     * its quantity unknown), once, when the job first starts from such a savepoint.
     */
    void takeOverLegacy() throws Exception {
        for (Map.Entry<String, Long> e : legacy.entries()) {
            if (!copies.contains(e.getKey())) {
                copies.put(e.getKey(), IdCopies.one(e.getValue(), null));
            }
        }
        legacy.clear();
    }

    /**
     * Takes the current key's ids kept in the layout not in use over (a savepoint taken with the other
     * state backend), once, at the first start from it. An id in both keeps the copies of the layout in
     * use: it was written after the restore.
     */
    void takeOverOtherLayout() throws Exception {
        List<Map.Entry<String, IdCopies>> moved = new ArrayList<>();
        otherLayout.forEachEntry((id, c) -> moved.add(Map.entry(id, c)));
        for (Map.Entry<String, IdCopies> e : moved) {
            if (!copies.contains(e.getKey())) {
                copies.put(e.getKey(), e.getValue());
            }
        }
        otherLayout.clear();
    }

    /**
     * The copies that stop counting and those that start, from {@code before} to {@code after} (which
     * may have lost the last copy of {@code before}: it stops counting).
     */
    private List<Change> difference(IdCopies before, IdCopies after) {
        boolean[] was = CopyRule.counted(before.times(), horizonMs);
        boolean[] is = CopyRule.counted(after.times(), horizonMs);
        List<Change> changes = new ArrayList<>(2);
        for (int i = 0; i < before.size(); i++) {
            int j = indexIn(after, before.time(i), before.quantity(i));
            if (was[i] && (j < 0 || !is[j])) {
                changes.add(Change.remove(before.time(i), before.quantity(i)));
            }
        }
        for (int j = 0; j < after.size(); j++) {
            int i = indexIn(before, after.time(j), after.quantity(j));
            if (is[j] && (i < 0 || !was[i])) {
                changes.add(Change.add(after.time(j), after.quantity(j)));
            }
        }
        return changes;
    }

    private static int indexIn(IdCopies c, long time, BigDecimal quantity) {
        for (int i = 0; i < c.size(); i++) {
            if (CopyRule.compare(c.time(i), c.quantity(i), time, quantity) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Hands every copy that counts to {@code each} (its time and quantity); null quantities are skipped. */
    void forEachCounted(BiConsumer<Long, BigDecimal> each) throws Exception {
        copies.forEach(c -> {
            if (c.size() == 1) {
                BigDecimal q = c.quantity(0);
                if (q != null) {
                    each.accept(c.time(0), q);
                }
                return;
            }
            boolean[] counted = CopyRule.counted(c.times(), horizonMs);
            for (int i = 0; i < c.size(); i++) {
                if (counted[i] && c.quantity(i) != null) {
                    each.accept(c.time(i), c.quantity(i));
                }
            }
        });
    }

    /**
     * Forgets ids none of whose copies can still meet a new one: every copy more than the horizon
     * before {@code keepFrom}, the start of the first period that still accepts records.
     */
    void sweep(long keepFrom) throws Exception {
        copies.removeLatestBefore(keepFrom - horizonMs);
        for (Iterator<Map.Entry<String, Long>> it = legacy.iterator(); it.hasNext(); ) {
            if (it.next().getValue() + horizonMs < keepFrom) {
                it.remove();
            }
        }
    }

    void clear() {
        copies.clear();
        legacy.clear();
    }
}
