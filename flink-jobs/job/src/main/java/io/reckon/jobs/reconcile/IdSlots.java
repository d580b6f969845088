package io.reckon.jobs.reconcile;

import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One segment of an {@link IdTable}: ids with one inline copy each in parallel arrays, open addressing
 * with linear probing, at most {@link #MAX_LOAD_PERCENT} % of the slots used. A slot matches an id by
 * its hash and then by every character, so a collision never makes two ids one. Removal shifts back
 * the entries after the freed slot that probed past it, so no tombstones are needed.
 *
 * <p>The table splits into more segments rather than let one grow past its slot limit: the arrays
 * stay small, so that G1 never allocates them as humongous objects (an array of half a region or more
 * takes whole regions, and a power-of-two array just over a region size wasted nearly half its
 * memory), and growing copies one small segment, not a key's every id.
 */
final class IdSlots {

    static final int MAX_LOAD_PERCENT = 60;
    static final int MIN_SLOTS = 16;

    /** Per slot: the id's hash as stored by {@link IdTable#hashOf}, never 0; 0 marks a free slot. */
    private int[] hashes;

    private long[] times;
    private long[] unscaled;
    private byte[] scales;
    /** Per slot: where the id's length and characters start in {@link #chars}. */
    private int[] names;

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
        hashes = new int[slots];
        times = new long[slots];
        unscaled = new long[slots];
        scales = new byte[slots];
        names = new int[slots];
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
        return hashes.length;
    }

    /** Whether one more id would pass the load limit. */
    boolean full() {
        return (used + 1) * 100L > (long) hashes.length * MAX_LOAD_PERCENT;
    }

    /**
     * The slot holding {@code id} (whose stored hash is {@code hash}), or, when it is not here, a
     * negative number: -1 - the free slot that ended the search, where the id would be inserted.
     */
    int find(String id, int hash) {
        int mask = hashes.length - 1;
        int s = IdTable.mix(hash) & mask;
        for (; hashes[s] != 0; s = (s + 1) & mask) {
            if (hashes[s] == hash && nameEquals(s, id)) {
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
        hashes[s] = hash;
        names[s] = nameAt;
        set(s, time, unscaledQuantity, scale);
        used++;
    }

    /** Replaces the copy of the id in {@code slot}. */
    void set(int slot, long time, long unscaledQuantity, int scale) {
        times[slot] = time;
        unscaled[slot] = unscaledQuantity;
        scales[slot] = (byte) scale;
    }

    IdCopies copies(int slot) {
        return IdCopies.inline(times[slot], unscaled[slot], scales[slot]);
    }

    void forEach(Consumer<IdCopies> each) {
        for (int s = 0; s < hashes.length; s++) {
            if (hashes[s] != 0) {
                each.accept(copies(s));
            }
        }
    }

    void forEachEntry(BiConsumer<String, IdCopies> each) {
        for (int s = 0; s < hashes.length; s++) {
            if (hashes[s] != 0) {
                int at = names[s];
                each.accept(new String(chars, at + 1, chars[at]), copies(s));
            }
        }
    }

    /**
     * Moves every id into {@code into} (this segment's ids are then read no more): the ids of a
     * segment that splits, each sent to the segment {@code route} names for its stored hash.
     */
    void moveTo(IdSlots[] into, java.util.function.IntUnaryOperator route) {
        for (int s = 0; s < hashes.length; s++) {
            if (hashes[s] != 0) {
                IdSlots to = into[route.applyAsInt(hashes[s])];
                to.place(
                        to.freeSlot(hashes[s]),
                        hashes[s],
                        to.appendName(chars, names[s]),
                        times[s],
                        unscaled[s],
                        scales[s]);
            }
        }
    }

    /** Frees {@code slot}, shifting back the entries after it that probed past it. */
    void remove(int slot) {
        charsFree += 1 + chars[names[slot]];
        int mask = hashes.length - 1;
        int free = slot;
        for (int s = (free + 1) & mask; hashes[s] != 0; s = (s + 1) & mask) {
            int home = IdTable.mix(hashes[s]) & mask;
            boolean reachable = free <= s ? free < home && home <= s : free < home || home <= s;
            if (!reachable) {
                hashes[free] = hashes[s];
                times[free] = times[s];
                unscaled[free] = unscaled[s];
                scales[free] = scales[s];
                names[free] = names[s];
                free = s;
            }
        }
        hashes[free] = 0;
        used--;
        if (charsFree > charsUsed / 2 && charsUsed > 1024) {
            rebuild(hashes.length, Long.MIN_VALUE);
        }
    }

    /** Forgets the ids whose copy is before {@code cutoff}; the arrays shrink to what is left. */
    void removeBefore(long cutoff) {
        int kept = 0;
        for (int s = 0; s < hashes.length; s++) {
            if (hashes[s] != 0 && times[s] >= cutoff) {
                kept++;
            }
        }
        if (kept < used) {
            rebuild(slotsFor(kept), cutoff);
        }
    }

    /** Doubles the slots. */
    void grow() {
        rebuild(hashes.length * 2, Long.MIN_VALUE);
    }

    IdSlots copy() {
        IdSlots c = new IdSlots();
        c.hashes = hashes.clone();
        c.times = times.clone();
        c.unscaled = unscaled.clone();
        c.scales = scales.clone();
        c.names = names.clone();
        c.chars = Arrays.copyOf(chars, charsUsed);
        c.charsUsed = charsUsed;
        c.charsFree = charsFree;
        c.used = used;
        return c;
    }

    /** The power of two of slots that holds {@code ids} within the load limit. */
    static int slotsFor(int ids) {
        int slots = MIN_SLOTS;
        while (ids * 100L > (long) slots * MAX_LOAD_PERCENT) {
            slots *= 2;
        }
        return slots;
    }

    private int freeSlot(int hash) {
        int mask = hashes.length - 1;
        int s = IdTable.mix(hash) & mask;
        while (hashes[s] != 0) {
            s = (s + 1) & mask;
        }
        return s;
    }

    private boolean nameEquals(int slot, String id) {
        int at = names[slot];
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
    private void rebuild(int slots, long keepFrom) {
        int[] oldHashes = hashes;
        long[] oldTimes = times;
        long[] oldUnscaled = unscaled;
        byte[] oldScales = scales;
        int[] oldNames = names;
        char[] oldChars = chars;
        int live = charsUsed - charsFree;
        hashes = new int[slots];
        times = new long[slots];
        unscaled = new long[slots];
        scales = new byte[slots];
        names = new int[slots];
        // Room for the characters of as many ids as the new slots hold at the same load: a segment
        // that doubles would otherwise copy its characters again at its next insertion.
        chars = new char[(int) Math.max(16, Math.min(Integer.MAX_VALUE / 2, (long) live * slots / oldHashes.length))];
        charsUsed = 0;
        charsFree = 0;
        used = 0;
        for (int o = 0; o < oldHashes.length; o++) {
            if (oldHashes[o] != 0 && oldTimes[o] >= keepFrom) {
                place(
                        freeSlot(oldHashes[o]),
                        oldHashes[o],
                        appendName(oldChars, oldNames[o]),
                        oldTimes[o],
                        oldUnscaled[o],
                        oldScales[o]);
            }
        }
    }

    /** How many of this segment's ids {@code route} sends to each of {@code n} segments. */
    int[] routeCounts(java.util.function.IntUnaryOperator route, int n) {
        int[] counts = new int[n];
        for (int h : hashes) {
            if (h != 0) {
                counts[route.applyAsInt(h)]++;
            }
        }
        return counts;
    }
}
