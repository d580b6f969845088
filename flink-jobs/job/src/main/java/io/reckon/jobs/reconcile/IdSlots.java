package io.reckon.jobs.reconcile;

import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One segment of an {@link IdTable}: ids with one inline copy each, open addressing with linear
 * probing, at most {@link #MAX_LOAD_PERCENT} % of the slots used. A slot matches an id by its hash and
 * then by every character, so a collision never makes two ids one. Removal shifts back the entries
 * after the freed slot that probed past it, so no tombstones are needed.
 *
 * <p>A slot is {@link #STRIDE} consecutive longs of one array (the id's hash and where its name
 * starts, the copy's time, its unscaled quantity, its scale), not one element of five parallel
 * arrays: a key's ids are far more than the CPU's caches hold, so each array touched is a cache (and
 * TLB) miss, and looking a new id up and inserting it touched five (docs/benchmarks.md, twentieth
 * round).
 *
 * <p>The table splits into more segments rather than let one grow past its slot limit: the arrays
 * stay small, so that G1 never allocates them as humongous objects (an array of half a region or more
 * takes whole regions, and a power-of-two array just over a region size wasted nearly half its
 * memory), and growing copies one small segment, not a key's every id.
 */
final class IdSlots {

    static final int MAX_LOAD_PERCENT = 60;
    static final int MIN_SLOTS = 16;

    /** Longs per slot; a power of two, so that a slot never spans more than two cache lines. */
    private static final int STRIDE = 4;

    private static final int KEY = 0;
    private static final int TIME = 1;
    private static final int UNSCALED = 2;
    private static final int SCALE = 3;

    /**
     * {@link #STRIDE} longs per slot. At {@link #KEY}: the id's hash as stored by {@link
     * IdTable#hashOf} (never 0) in the high 32 bits and where its name starts in {@link #chars} in the
     * low 32; 0 marks a free slot.
     */
    private long[] slots;

    /** Number of slots (a power of two). */
    private int capacity;

    /** The ids of the slots, each as its length (one char) followed by its characters. */
    private char[] chars;

    private int charsUsed;
    /** Characters of ids no longer in a slot. */
    private int charsFree;

    private int used;

    IdSlots(int slots) {
        this(slots, slots * 4);
    }

    /** A segment of {@code slots} slots with room for {@code characters} characters of ids. */
    IdSlots(int slots, int characters) {
        this.slots = new long[slots * STRIDE];
        this.capacity = slots;
        chars = new char[Math.max(16, characters)];
    }

    private IdSlots() {}

    int size() {
        return used;
    }

    /** Characters the ids of this segment take (each id's length one more). */
    int liveChars() {
        return charsUsed - charsFree;
    }

    int capacity() {
        return capacity;
    }

    /** Whether one more id would pass the load limit. */
    boolean full() {
        return (used + 1) * 100L > (long) capacity * MAX_LOAD_PERCENT;
    }

    /**
     * The slot holding {@code id} (whose stored hash is {@code hash}), or, when it is not here, a
     * negative number: -1 - the free slot that ended the search, where the id would be inserted.
     */
    int find(String id, int hash) {
        int mask = capacity - 1;
        int s = IdTable.mix(hash) & mask;
        for (long key; (key = slots[s * STRIDE + KEY]) != 0; s = (s + 1) & mask) {
            if (hashOf(key) == hash && nameEquals(nameOf(key), id)) {
                return s;
            }
        }
        return -1 - s;
    }

    /** Stores a new id (not present, the segment not {@link #full}) with its one copy. */
    void insert(String id, int hash, long time, long unscaledQuantity, int scale) {
        place(freeSlot(hash), hash, appendName(id), time, unscaledQuantity, scale);
    }

    /**
     * {@link #insert} into the free slot that {@link #find} returned for the id ({@code notFound}), the
     * segment unchanged since: the id's probe is not repeated.
     */
    void insertAt(int notFound, String id, int hash, long time, long unscaledQuantity, int scale) {
        place(-1 - notFound, hash, appendName(id), time, unscaledQuantity, scale);
    }

    /** Puts an id that is not here into free slot {@code s}: its hash, where its name starts, its copy. */
    private void place(int s, int hash, int nameAt, long time, long unscaledQuantity, int scale) {
        slots[s * STRIDE + KEY] = keyOf(hash, nameAt);
        set(s, time, unscaledQuantity, scale);
        used++;
    }

    /** Replaces the copy of the id in {@code slot}. */
    void set(int slot, long time, long unscaledQuantity, int scale) {
        int at = slot * STRIDE;
        slots[at + TIME] = time;
        slots[at + UNSCALED] = unscaledQuantity;
        slots[at + SCALE] = scale;
    }

    IdCopies copies(int slot) {
        int at = slot * STRIDE;
        return IdCopies.inline(slots[at + TIME], slots[at + UNSCALED], (int) slots[at + SCALE]);
    }

    void forEach(Consumer<IdCopies> each) {
        for (int s = 0; s < capacity; s++) {
            if (slots[s * STRIDE + KEY] != 0) {
                each.accept(copies(s));
            }
        }
    }

    void forEachEntry(BiConsumer<String, IdCopies> each) {
        for (int s = 0; s < capacity; s++) {
            long key = slots[s * STRIDE + KEY];
            if (key != 0) {
                int at = nameOf(key);
                each.accept(new String(chars, at + 1, chars[at]), copies(s));
            }
        }
    }

    /**
     * Moves every id into {@code into} (this segment's ids are then read no more): the ids of a
     * segment that splits, each sent to the segment {@code route} names for its stored hash.
     */
    void moveTo(IdSlots[] into, java.util.function.IntUnaryOperator route) {
        for (int s = 0; s < capacity; s++) {
            int at = s * STRIDE;
            long key = slots[at + KEY];
            if (key != 0) {
                int hash = hashOf(key);
                IdSlots to = into[route.applyAsInt(hash)];
                to.placeCopyOf(slots, at, hash, to.appendName(chars, nameOf(key)));
            }
        }
    }

    /** Frees {@code slot}, shifting back the entries after it that probed past it. */
    void remove(int slot) {
        charsFree += 1 + chars[nameOf(slots[slot * STRIDE + KEY])];
        int mask = capacity - 1;
        int free = slot;
        for (int s = (free + 1) & mask; slots[s * STRIDE + KEY] != 0; s = (s + 1) & mask) {
            int home = IdTable.mix(hashOf(slots[s * STRIDE + KEY])) & mask;
            boolean reachable = free <= s ? free < home && home <= s : free < home || home <= s;
            if (!reachable) {
                System.arraycopy(slots, s * STRIDE, slots, free * STRIDE, STRIDE);
                free = s;
            }
        }
        slots[free * STRIDE + KEY] = 0;
        used--;
        if (charsFree > charsUsed / 2 && charsUsed > 1024) {
            rebuild(capacity, Long.MIN_VALUE);
        }
    }

    /** Forgets the ids whose copy is before {@code cutoff}; the arrays shrink to what is left. */
    void removeBefore(long cutoff) {
        int kept = 0;
        for (int at = 0; at < slots.length; at += STRIDE) {
            if (slots[at + KEY] != 0 && slots[at + TIME] >= cutoff) {
                kept++;
            }
        }
        if (kept < used) {
            rebuild(slotsFor(kept), cutoff);
        }
    }

    /** Doubles the slots. */
    void grow() {
        rebuild(capacity * 2, Long.MIN_VALUE);
    }

    IdSlots copy() {
        IdSlots c = new IdSlots();
        c.slots = slots.clone();
        c.capacity = capacity;
        c.chars = Arrays.copyOf(chars, charsUsed);
        c.charsUsed = charsUsed;
        c.charsFree = charsFree;
        c.used = used;
        return c;
    }

    /** The most used slots in a row (a run wrapping around the end counts as one). */
    int longestRun() {
        if (used == capacity) {
            return capacity;
        }
        int free = 0;
        while (slots[free * STRIDE + KEY] != 0) {
            free++;
        }
        int longest = 0;
        int run = 0;
        for (int i = 1; i <= capacity; i++) {
            int s = (free + i) & (capacity - 1);
            run = slots[s * STRIDE + KEY] != 0 ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    /** The power of two of slots that holds {@code ids} within the load limit. */
    static int slotsFor(int ids) {
        int slots = MIN_SLOTS;
        while (ids * 100L > (long) slots * MAX_LOAD_PERCENT) {
            slots *= 2;
        }
        return slots;
    }

    private static long keyOf(int hash, int nameAt) {
        return ((long) hash << 32) | (nameAt & 0xFFFFFFFFL);
    }

    private static int hashOf(long key) {
        return (int) (key >>> 32);
    }

    private static int nameOf(long key) {
        return (int) key;
    }

    /** Puts the id of slot {@code at} of {@code source} (its copy; its name now at {@code nameAt}) here. */
    private void placeCopyOf(long[] source, int at, int hash, int nameAt) {
        int to = freeSlot(hash) * STRIDE;
        System.arraycopy(source, at, slots, to, STRIDE);
        slots[to + KEY] = keyOf(hash, nameAt);
        used++;
    }

    private int freeSlot(int hash) {
        int mask = capacity - 1;
        int s = IdTable.mix(hash) & mask;
        while (slots[s * STRIDE + KEY] != 0) {
            s = (s + 1) & mask;
        }
        return s;
    }

    private boolean nameEquals(int at, String id) {
        int length = chars[at];
        if (length != id.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (chars[at + 1 + i] != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int appendName(String id) {
        int at = reserve(1 + id.length());
        chars[at] = (char) id.length();
        id.getChars(0, id.length(), chars, at + 1);
        return at;
    }

    /** Appends the name stored at {@code at} in {@code source} (its length and characters). */
    private int appendName(char[] source, int at) {
        int length = 1 + source[at];
        int to = reserve(length);
        System.arraycopy(source, at, chars, to, length);
        return to;
    }

    private int reserve(int length) {
        int need = charsUsed + length;
        if (need > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(need, chars.length * 2));
        }
        int at = charsUsed;
        charsUsed = need;
        return at;
    }

    /** Re-inserts the ids whose copy is at or after {@code keepFrom} into {@code slots} slots. */
    private void rebuild(int slotCount, long keepFrom) {
        long[] old = slots;
        char[] oldChars = chars;
        int live = charsUsed - charsFree;
        int oldCapacity = capacity;
        slots = new long[slotCount * STRIDE];
        capacity = slotCount;
        // Room for the characters of as many ids as the new slots hold at the same load: a segment
        // that doubles would otherwise copy its characters again at its next insertion.
        chars = new char[(int) Math.max(16, Math.min(Integer.MAX_VALUE / 2, (long) live * slotCount / oldCapacity))];
        charsUsed = 0;
        charsFree = 0;
        used = 0;
        for (int at = 0; at < old.length; at += STRIDE) {
            long key = old[at + KEY];
            if (key != 0 && old[at + TIME] >= keepFrom) {
                placeCopyOf(old, at, hashOf(key), appendName(oldChars, nameOf(key)));
            }
        }
    }

    /** How many of this segment's ids {@code route} sends to each of {@code n} segments. */
    int[] routeCounts(java.util.function.IntUnaryOperator route, int n) {
        int[] counts = new int[n];
        for (int at = 0; at < slots.length; at += STRIDE) {
            long key = slots[at + KEY];
            if (key != 0) {
                counts[route.applyAsInt(hashOf(key))]++;
            }
        }
        return counts;
    }
}
