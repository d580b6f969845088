package io.reckon.jobs.reconcile;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * The deduplication ids of one key and input with their copies ({@link IdCopies}), held in a few
 * arrays instead of objects per id: the layout of the ids with heap state ({@link TableIdStore}).
 *
 * <p>With one map entry per id, heap state holds four objects per id for as long as its period is
 * retained (the map's node, the id's string and its bytes, the copies), hundreds of thousands per key
 * and month on a busy meter, and the garbage collector copies and marks every one of them: most of the
 * CPU that keeping ids cost (docs/benchmarks.md, ninth round). Here an id with one copy whose quantity
 * fits in a long (almost every id) is a slot of one array and its characters in a shared array
 * ({@link IdSlots}), in segments of at most {@link #MAX_SEGMENT_SLOTS} slots chosen by the id's keyed
 * hash ({@link IdHash}): a key holds a few objects per segment however many ids it has. Other ids
 * (several copies, a wider quantity, a copy of the first layout without a quantity) are kept as {@link
 * IdCopies} in a small map beside them; an id is in exactly one of the two.
 *
 * <p>Written by hand because the point is the absence of an object per id: the primitive-keyed maps of
 * the usual collection libraries still hold each String key as an object.
 *
 * <p>Not thread-safe; one instance per key and input, changed in place (see {@link TableIdStore}).
 */
final class IdTable {

    /** Slots of a segment beyond which the table splits into twice the segments instead. */
    static final int MAX_SEGMENT_SLOTS = 4096;

    /** The longest id kept in a slot: its length is stored in one char. Longer ones go to {@link #others}. */
    private static final int MAX_SLOT_ID_CHARS = Character.MAX_VALUE;

    private final int maxSegmentSlots;
    /** The hash of an id as stored (never 0): {@link #keyedHash} but in tests. */
    private final ToIntFunction<String> hashing;
    /** The segments; an id's is chosen by the top {@link #segmentBits} bits of its mixed hash. */
    private IdSlots[] segments;

    private int segmentBits;
    /** Ids that do not fit a slot; null while there are none. */
    private Map<String, IdCopies> others;

    IdTable() {
        this(MAX_SEGMENT_SLOTS, IdTable::keyedHash);
    }

    /**
     * A table whose segments split past {@code maxSegmentSlots} slots and whose ids hash by {@code
     * hashing}: in tests, small segments that split often and a weak hash under which ids collide.
     */
    IdTable(int maxSegmentSlots, ToIntFunction<String> hashing) {
        this.maxSegmentSlots = maxSegmentSlots;
        this.hashing = hashing;
        this.segments = new IdSlots[] {new IdSlots(IdSlots.MIN_SLOTS)};
    }

    /** The id's hash as stored, from {@link IdHash}: never 0, which marks a free slot. */
    static int keyedHash(String id) {
        long h = IdHash.of(id);
        int folded = (int) (h ^ (h >>> 32));
        return folded == 0 ? 1 : folded;
    }

    private int hashOf(String id) {
        int h = hashing.applyAsInt(id);
        return h == 0 ? 1 : h;
    }

    /** The hash's bits mixed (murmur3's finalizer): low bits pick the slot, high bits the segment. */
    static int mix(int hash) {
        int h = hash;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** Number of ids. */
    int size() {
        int n = others == null ? 0 : others.size();
        for (IdSlots s : segments) {
            n += s.size();
        }
        return n;
    }

    /**
     * The most slots any lookup in this table visits: the longest run of ids before a free slot. A
     * diagnostic; under a hash no one can aim at, it stays a handful however the ids were chosen.
     */
    int longestProbe() {
        int longest = 0;
        for (IdSlots s : segments) {
            longest = Math.max(longest, s.longestRun());
        }
        return longest;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** The copies of {@code id}, or null when it has none. */
    IdCopies get(String id) {
        return lookUp(id, null);
    }

    boolean contains(String id) {
        int hash = hashOf(id);
        return (others != null && others.containsKey(id)) || segmentOf(hash).find(id, hash) >= 0;
    }

    /**
     * The copies of {@code id} when it has any, else null after storing {@code copies} for it: the
     * lookup of a new id, the common case, and its insertion share one hash and one probe.
     */
    IdCopies putIfAbsent(String id, IdCopies copies) {
        return lookUp(id, copies);
    }

    /** The copies of {@code id}; when it has none, null, after storing {@code absent} unless it is null. */
    private IdCopies lookUp(String id, IdCopies absent) {
        if (others != null) {
            IdCopies c = others.get(id);
            if (c != null) {
                return c;
            }
        }
        int hash = hashOf(id);
        IdSlots segment = segmentOf(hash);
        int slot = segment.find(id, hash);
        if (slot >= 0) {
            return segment.copies(slot);
        }
        if (absent != null) {
            put(id, hash, segment, slot, absent);
        }
        return null;
    }

    /** Sets the copies of {@code id}, replacing any it had. */
    void put(String id, IdCopies copies) {
        int hash = hashOf(id);
        IdSlots segment = segmentOf(hash);
        put(id, hash, segment, segment.find(id, hash), copies);
    }

    /** {@link #put} once the id's segment and {@link IdSlots#find} in it are known. */
    private void put(String id, int hash, IdSlots segment, int slot, IdCopies copies) {
        if (!fitsSlot(id, copies)) {
            if (slot >= 0) {
                segment.remove(slot);
            }
            if (others == null) {
                others = new HashMap<>();
            }
            others.put(id, copies);
            return;
        }
        if (slot >= 0) {
            segment.set(slot, copies.time(0), copies.inlineUnscaled(), copies.inlineScale());
            return;
        }
        if (others != null && others.remove(id) != null && others.isEmpty()) {
            others = null;
        }
        if (!segment.full()) {
            segment.insertAt(slot, id, hash, copies.time(0), copies.inlineUnscaled(), copies.inlineScale());
            return;
        }
        if (segment.capacity() >= maxSegmentSlots) {
            split();
            segment = segmentOf(hash);
        }
        if (segment.full()) {
            segment.grow();
        }
        segment.insert(id, hash, copies.time(0), copies.inlineUnscaled(), copies.inlineScale());
    }

    /** Hands the copies of every id to {@code each}. */
    void forEach(Consumer<IdCopies> each) {
        for (IdSlots s : segments) {
            s.forEach(each);
        }
        if (others != null) {
            others.values().forEach(each);
        }
    }

    /** Hands every id and its copies to {@code each}. */
    void forEachEntry(BiConsumer<String, IdCopies> each) {
        for (IdSlots s : segments) {
            s.forEachEntry(each);
        }
        if (others != null) {
            others.forEach(each);
        }
    }

    /** Forgets every id whose latest copy is before {@code cutoff}; the segments shrink to what is left. */
    void removeLatestBefore(long cutoff) {
        for (IdSlots s : segments) {
            s.removeBefore(cutoff);
        }
        if (others != null) {
            for (Iterator<IdCopies> it = others.values().iterator(); it.hasNext(); ) {
                if (it.next().latest() < cutoff) {
                    it.remove();
                }
            }
            if (others.isEmpty()) {
                others = null;
            }
        }
    }

    /** A copy sharing nothing mutable with this table. */
    IdTable copy() {
        IdTable c = new IdTable(maxSegmentSlots, hashing);
        c.segments = new IdSlots[segments.length];
        for (int i = 0; i < segments.length; i++) {
            c.segments[i] = segments[i].copy();
        }
        c.segmentBits = segmentBits;
        c.others = others == null ? null : new HashMap<>(others); // IdCopies are immutable
        return c;
    }

    private IdSlots segmentOf(int hash) {
        return segments[segmentBits == 0 ? 0 : mix(hash) >>> (32 - segmentBits)];
    }

    /** Twice the segments, each id moved to the one the next bit of its mixed hash names. */
    private void split() {
        int bits = segmentBits + 1;
        java.util.function.IntUnaryOperator route = h -> mix(h) >>> (32 - bits);
        IdSlots[] next = new IdSlots[segments.length * 2];
        int[] counts = new int[next.length];
        long ids = 0;
        long chars = 0;
        for (IdSlots s : segments) {
            int[] c = s.routeCounts(route, next.length);
            for (int i = 0; i < next.length; i++) {
                counts[i] += c[i];
            }
            ids += s.size();
            chars += s.liveChars();
        }
        // Each new segment as large as a full one, about half used: it grows no sooner than a segment
        // that doubled would, with room for its ids' characters and as many again.
        for (int i = 0; i < next.length; i++) {
            int slots = Math.max(maxSegmentSlots, IdSlots.slotsFor(counts[i] + 1));
            int characters = (int) Math.min(Integer.MAX_VALUE / 2, 2 * chars * counts[i] / Math.max(1, ids));
            next[i] = new IdSlots(slots, characters);
        }
        for (IdSlots s : segments) {
            s.moveTo(next, route);
        }
        segments = next;
        segmentBits = bits;
    }

    private static boolean fitsSlot(String id, IdCopies copies) {
        return copies.isInline()
                && copies.inlineScale() >= Byte.MIN_VALUE
                && copies.inlineScale() <= Byte.MAX_VALUE
                && id.length() <= MAX_SLOT_ID_CHARS;
    }
}
