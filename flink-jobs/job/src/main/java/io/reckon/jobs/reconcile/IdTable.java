package io.reckon.jobs.reconcile;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The deduplication ids of one key and input with their copies ({@link IdCopies}), held in a few
 * arrays instead of objects per id: the layout of the ids with heap state ({@link TableIdStore}).
 *
 * <p>With one map entry per id, heap state holds four objects per id for as long as its period is
 * retained (the map's node, the id's string and its bytes, the copies), hundreds of thousands per key
 * and month on a busy meter, and the garbage collector copies and marks every one of them: most of the
 * CPU that keeping ids costs (docs/benchmarks.md). Here an id with one copy whose quantity fits in a
 * long (almost every id) is a slot of parallel arrays, its characters in a shared array, and the key
 * holds about ten objects however many ids it has. Other ids (several copies, a wider quantity, a copy
 * of the first layout without a quantity) are kept as {@link IdCopies} in a small map beside them.
 *
 * <p>Written by hand because the point is the absence of an object per id: the primitive-keyed maps of
 * the usual collection libraries still hold each String key as an object. Open addressing with linear
 * probing, at most {@link #MAX_LOAD_PERCENT} % full; a slot matches an id by its hash and then by
 * comparing every character, so a collision never makes two ids one.
 *
 * <p>Not thread-safe; one instance per key and input, mutated in place (see {@link TableIdStore}).
 */
final class IdTable {

    static final int MAX_LOAD_PERCENT = 60;
    private static final int MIN_SLOTS = 16;
    /** The longest id kept in a slot: its length is stored in one char. Longer ones go to {@link #others}. */
    private static final int MAX_SLOT_ID_CHARS = Character.MAX_VALUE;

    /** Per slot: the id's hash, never 0; 0 marks a free slot. */
    private int[] hashes;

    private long[] times;
    private long[] unscaled;
    private byte[] scales;
    /** Per slot: where the id's length and characters start in {@link #chars}. */
    private int[] names;

    /** The ids of the slots, each as its length (one char) followed by its characters. */
    private char[] chars;

    private int charsUsed;
    /** Characters of ids no longer in a slot (removed or moved to {@link #others}). */
    private int charsFree;

    private int used;
    /** Ids that do not fit a slot; null while there are none. */
    private Map<String, IdCopies> others;

    IdTable() {
        this(MIN_SLOTS, 64);
    }

    private IdTable(int slots, int characters) {
        hashes = new int[slots];
        times = new long[slots];
        unscaled = new long[slots];
        scales = new byte[slots];
        names = new int[slots];
        chars = new char[characters];
    }

    /** Number of ids. */
    int size() {
        return used + (others == null ? 0 : others.size());
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** The copies of {@code id}, or null when it has none. */
    IdCopies get(String id) {
        if (others != null) {
            IdCopies c = others.get(id);
            if (c != null) {
                return c;
            }
        }
        int slot = find(id);
        return slot < 0 ? null : slotCopies(slot);
    }

    boolean contains(String id) {
        return (others != null && others.containsKey(id)) || find(id) >= 0;
    }

    /** Sets the copies of {@code id}, replacing any it had. */
    void put(String id, IdCopies copies) {
        int slot = find(id);
        if (fitsSlot(id, copies)) {
            if (others != null) {
                others.remove(id);
            }
            if (slot < 0) {
                slot = insert(id);
            }
            times[slot] = copies.time(0);
            unscaled[slot] = copies.inlineUnscaled();
            scales[slot] = (byte) copies.inlineScale();
            return;
        }
        if (slot >= 0) {
            removeSlot(slot);
        }
        if (others == null) {
            others = new HashMap<>();
        }
        others.put(id, copies);
    }

    /** Hands the copies of every id to {@code each}. */
    void forEach(Consumer<IdCopies> each) {
        for (int s = 0; s < hashes.length; s++) {
            if (hashes[s] != 0) {
                each.accept(slotCopies(s));
            }
        }
        if (others != null) {
            others.values().forEach(each);
        }
    }

    /** Hands every id and its copies to {@code each}. */
    void forEachEntry(BiConsumer<String, IdCopies> each) {
        for (int s = 0; s < hashes.length; s++) {
            if (hashes[s] != 0) {
                each.accept(name(s), slotCopies(s));
            }
        }
        if (others != null) {
            others.forEach(each);
        }
    }

    /** Forgets every id whose latest copy is before {@code cutoff}; the arrays shrink to what is left. */
    void removeLatestBefore(long cutoff) {
        int kept = 0;
        for (int s = 0; s < hashes.length; s++) {
            if (hashes[s] != 0 && times[s] >= cutoff) {
                kept++;
            }
        }
        if (kept < used) {
            long[] before = times; // rebuild replaces the arrays; the filter reads the old slots
            rebuild(slotsFor(kept), s -> before[s] >= cutoff);
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
        IdTable c = new IdTable(0, 0);
        c.hashes = hashes.clone();
        c.times = times.clone();
        c.unscaled = unscaled.clone();
        c.scales = scales.clone();
        c.names = names.clone();
        c.chars = Arrays.copyOf(chars, charsUsed);
        c.charsUsed = charsUsed;
        c.charsFree = charsFree;
        c.used = used;
        c.others = others == null ? null : new HashMap<>(others); // IdCopies are immutable
        return c;
    }

    private static boolean fitsSlot(String id, IdCopies copies) {
        return copies.isInline()
                && copies.inlineScale() >= Byte.MIN_VALUE
                && copies.inlineScale() <= Byte.MAX_VALUE
                && id.length() <= MAX_SLOT_ID_CHARS;
    }

    private IdCopies slotCopies(int slot) {
        return IdCopies.inline(times[slot], unscaled[slot], scales[slot]);
    }

    /** The id's hash as stored: never 0, which marks a free slot. */
    private static int hashOf(String id) {
        int h = id.hashCode();
        return h == 0 ? 1 : h;
    }

    /** The slot a hash is looked for first: its bits mixed (murmur3's finalizer), then masked. */
    private static int home(int hash, int mask) {
        int h = hash;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & mask;
    }

    /** The slot holding {@code id}, or -1. */
    private int find(String id) {
        int hash = hashOf(id);
        int mask = hashes.length - 1;
        for (int s = home(hash, mask); hashes[s] != 0; s = (s + 1) & mask) {
            if (hashes[s] == hash && nameEquals(s, id)) {
                return s;
            }
        }
        return -1;
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

    private String name(int slot) {
        int at = names[slot];
        return new String(chars, at + 1, chars[at]);
    }

    /** Takes a free slot for {@code id} (not present) and stores its name; returns the slot. */
    private int insert(String id) {
        if ((used + 1) * 100L > (long) hashes.length * MAX_LOAD_PERCENT) {
            rebuild(hashes.length * 2, s -> true);
        }
        int hash = hashOf(id);
        int mask = hashes.length - 1;
        int s = home(hash, mask);
        while (hashes[s] != 0) {
            s = (s + 1) & mask;
        }
        hashes[s] = hash;
        names[s] = appendName(id);
        used++;
        return s;
    }

    private int appendName(String id) {
        int need = charsUsed + 1 + id.length();
        if (need > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(need, chars.length * 2));
        }
        int at = charsUsed;
        chars[at] = (char) id.length();
        id.getChars(0, id.length(), chars, at + 1);
        charsUsed = need;
        return at;
    }

    /**
     * Frees {@code slot} by shifting back the entries after it that probed past it (deletion without
     * tombstones: every id stays reachable from its home slot).
     */
    private void removeSlot(int slot) {
        charsFree += 1 + chars[names[slot]];
        int mask = hashes.length - 1;
        int free = slot;
        for (int s = (free + 1) & mask; hashes[s] != 0; s = (s + 1) & mask) {
            int home = home(hashes[s], mask);
            boolean reachable = free <= s ? free < home && home <= s : free < home || home <= s;
            if (!reachable) {
                moveSlot(s, free);
                free = s;
            }
        }
        hashes[free] = 0;
        used--;
        if (charsFree > charsUsed / 2 && charsUsed > 1024) {
            rebuild(hashes.length, s -> true);
        }
    }

    private void moveSlot(int from, int to) {
        hashes[to] = hashes[from];
        times[to] = times[from];
        unscaled[to] = unscaled[from];
        scales[to] = scales[from];
        names[to] = names[from];
    }

    private interface SlotFilter {
        boolean keep(int slot);
    }

    /**
     * Re-inserts the slots {@code keep} accepts (it is asked by the index of the slot before the
     * rebuild) into {@code slots} slots, their names packed anew.
     */
    private void rebuild(int slots, SlotFilter keep) {
        int[] oldHashes = hashes;
        long[] oldTimes = times;
        long[] oldUnscaled = unscaled;
        byte[] oldScales = scales;
        int[] oldNames = names;
        char[] oldChars = chars;
        hashes = new int[slots];
        times = new long[slots];
        unscaled = new long[slots];
        scales = new byte[slots];
        names = new int[slots];
        chars = new char[Math.max(64, charsUsed - charsFree)];
        charsUsed = 0;
        charsFree = 0;
        used = 0;
        int mask = slots - 1;
        for (int o = 0; o < oldHashes.length; o++) {
            if (oldHashes[o] == 0 || !keep.keep(o)) {
                continue;
            }
            int s = home(oldHashes[o], mask);
            while (hashes[s] != 0) {
                s = (s + 1) & mask;
            }
            hashes[s] = oldHashes[o];
            times[s] = oldTimes[o];
            unscaled[s] = oldUnscaled[o];
            scales[s] = oldScales[o];
            int at = oldNames[o];
            int length = 1 + oldChars[at];
            System.arraycopy(oldChars, at, chars, charsUsed, length);
            names[s] = charsUsed;
            charsUsed += length;
            used++;
        }
    }

    /** The power of two of slots that holds {@code ids} within the load limit. */
    static int slotsFor(int ids) {
        int slots = MIN_SLOTS;
        while (ids * 100L > (long) slots * MAX_LOAD_PERCENT) {
            slots *= 2;
        }
        return slots;
    }
}
