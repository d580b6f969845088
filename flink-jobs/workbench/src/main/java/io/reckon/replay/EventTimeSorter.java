package io.reckon.replay;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * An external merge sort of keyed records by event time, in memory bounded by a budget whatever the
 * number of records. Records are buffered until their estimated size reaches the budget, then sorted
 * and written to a run file; at the end the runs are merged with a priority queue (k-way), at most
 * {@code fanIn} at a time, so that open files and read buffers stay bounded too. Ties keep the order
 * in which records were added (each carries its sequence number into the runs), so the output is
 * the same on every run: stable and deterministic.
 *
 * <pre>{@code
 * try (EventTimeSorter sorter = new EventTimeSorter(tmp, 64 << 20)) {
 *     sorter.add(eventTimeMillis, key, value);   // as often as needed
 *     try (EventTimeSorter.Sorted sorted = sorter.sorted()) {
 *         sorted.forEachRemaining(e -> produce(e.key(), e.value()));
 *     }
 * }
 * }</pre>
 *
 * <p>Hand-written: the external sorters on Maven Central sort text lines with a comparator over
 * strings (com.google.code.externalsortinginjava) and break ties between runs by chance, so equal
 * event times would not keep file order; these records are binary (Avro), and Flink's own sorter
 * needs the memory and I/O managers of a running task.
 */
final class EventTimeSorter implements Closeable {

    /**
     * One record: its event time (epoch ms), its position among the records added (the caller's, such
     * as its line in the file, or the count of records added before it; rising in the order added),
     * key and value.
     */
    record Entry(long eventTime, long sequence, byte[] key, byte[] value) {}

    /**
     * Heap an entry costs besides its key and value bytes: the entry object, two array headers,
     * padding, its slot in the buffer and the sort's scratch space (compressed references).
     */
    static final long ENTRY_OVERHEAD_BYTES = 96;

    /** Runs merged at once; more runs are merged in passes of this many first. */
    static final int DEFAULT_FAN_IN = 64;

    private static final Comparator<Entry> ORDER =
            Comparator.comparingLong(Entry::eventTime).thenComparingLong(Entry::sequence);

    private record Run(Path file, long entries) {}

    private final Path parent;
    private final long memoryBudget;
    private final int fanIn;
    private final int readBuffer;
    private final List<Entry> buffer = new ArrayList<>();
    private final Deque<Run> runs = new ArrayDeque<>();
    private long bufferBytes;
    private long added;
    private Path directory;
    private int runsWritten;
    private int mergePasses;
    private boolean sorting;

    /**
     * @param parent where the temporary directory of the runs is made; null: java.io.tmpdir
     * @param memoryBudget estimated heap, in bytes, the buffered records may take
     */
    EventTimeSorter(Path parent, long memoryBudget) {
        this(parent, memoryBudget, DEFAULT_FAN_IN);
    }

    EventTimeSorter(Path parent, long memoryBudget, int fanIn) {
        if (memoryBudget <= 0 || fanIn < 2) {
            throw new IllegalArgumentException("need a positive memory budget and a fan-in of at least 2");
        }
        this.parent = parent;
        this.memoryBudget = memoryBudget;
        this.fanIn = fanIn;
        // The merge holds one read buffer per run: together at most half the budget.
        this.readBuffer = (int) Math.max(8 << 10, Math.min(1 << 20, memoryBudget / (2L * fanIn)));
    }

    /**
     * Adds a record at {@code position}, which must be above every position added before (a line
     * number of the file being read); spills the buffered ones to a run file first when it would
     * exceed the budget.
     */
    void add(long eventTime, long position, byte[] key, byte[] value) throws IOException {
        if (sorting) {
            throw new IllegalStateException("records cannot be added once the sorted output was asked for");
        }
        long size = ENTRY_OVERHEAD_BYTES + key.length + value.length;
        if (!buffer.isEmpty() && bufferBytes + size > memoryBudget) {
            spill();
        }
        buffer.add(new Entry(eventTime, position, key, value));
        added++;
        bufferBytes += size;
    }

    /** Records added so far. */
    long size() {
        return added;
    }

    /** Run files written from the buffer (merge passes write more; see {@link #mergePasses}). */
    int runsWritten() {
        return runsWritten;
    }

    /** Intermediate merges of {@code fanIn} runs into one, needed when there were more runs than that. */
    int mergePasses() {
        return mergePasses;
    }

    /**
     * Every record added, ordered by event time and, for equal times, by the order they were added.
     * Can be asked for once.
     */
    Sorted sorted() throws IOException {
        if (sorting) {
            throw new IllegalStateException("the sorted output can be asked for once");
        }
        sorting = true;
        if (runs.isEmpty()) {
            buffer.sort(ORDER);
            return new InMemory(buffer.iterator());
        }
        spill();
        while (runs.size() > fanIn) {
            List<Run> group = new ArrayList<>(fanIn);
            for (int i = 0; i < fanIn; i++) {
                group.add(runs.removeFirst());
            }
            try (Merge merge = new Merge(group)) {
                runs.addLast(write(merge));
            }
            for (Run r : group) {
                Files.deleteIfExists(r.file());
            }
            mergePasses++;
        }
        return new Merge(new ArrayList<>(runs));
    }

    private void spill() throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        buffer.sort(ORDER);
        runs.addLast(write(buffer.iterator()));
        runsWritten++;
        buffer.clear();
        bufferBytes = 0;
    }

    private Run write(Iterator<Entry> entries) throws IOException {
        if (directory == null) {
            directory = parent == null
                    ? Files.createTempDirectory("reckon-sort-")
                    : Files.createTempDirectory(Files.createDirectories(parent), "reckon-sort-");
        }
        Path file = Files.createTempFile(directory, "run-", ".bin");
        long count = 0;
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
            while (entries.hasNext()) {
                Entry e = entries.next();
                out.writeLong(e.eventTime());
                out.writeLong(e.sequence());
                out.writeInt(e.key().length);
                out.write(e.key());
                out.writeInt(e.value().length);
                out.write(e.value());
                count++;
            }
        }
        return new Run(file, count);
    }

    /** Deletes the run files. */
    @Override
    public void close() throws IOException {
        buffer.clear();
        runs.clear();
        if (directory != null) {
            org.apache.commons.io.FileUtils.deleteDirectory(directory.toFile());
            directory = null;
        }
    }

    /** The sorted records; closing it closes the run files it reads. */
    abstract static class Sorted implements Iterator<Entry>, Closeable {}

    private static final class InMemory extends Sorted {
        private final Iterator<Entry> entries;

        InMemory(Iterator<Entry> entries) {
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            return entries.hasNext();
        }

        @Override
        public Entry next() {
            return entries.next();
        }

        @Override
        public void close() {}
    }

    /** One run being read: its next record is {@code head}. */
    private final class Cursor implements Closeable {
        private final DataInputStream in;
        private long remaining;
        Entry head;

        Cursor(Run run) throws IOException {
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run.file()), readBuffer));
            this.remaining = run.entries();
        }

        /** Reads the next record into {@code head}; false at the end of the run. */
        boolean advance() throws IOException {
            if (remaining == 0) {
                head = null;
                return false;
            }
            remaining--;
            long time = in.readLong();
            long seq = in.readLong();
            byte[] key = new byte[in.readInt()];
            in.readFully(key);
            byte[] value = new byte[in.readInt()];
            in.readFully(value);
            head = new Entry(time, seq, key, value);
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The k-way merge of sorted runs: the queue holds each run's next record, smallest first. */
    private final class Merge extends Sorted {
        private final List<Cursor> cursors = new ArrayList<>();
        private final PriorityQueue<Cursor> queue;

        Merge(List<Run> runs) throws IOException {
            queue = new PriorityQueue<>(Math.max(1, runs.size()), (a, b) -> ORDER.compare(a.head, b.head));
            try {
                for (Run r : runs) {
                    Cursor c = new Cursor(r);
                    cursors.add(c);
                    if (c.advance()) {
                        queue.add(c);
                    }
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public boolean hasNext() {
            return !queue.isEmpty();
        }

        @Override
        public Entry next() {
            Cursor c = queue.poll();
            if (c == null) {
                throw new NoSuchElementException();
            }
            Entry e = c.head;
            try {
                if (c.advance()) {
                    queue.add(c);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot read a sort run", ex);
            }
            return e;
        }

        @Override
        public void close() throws IOException {
            IOException first = null;
            for (Cursor c : cursors) {
                try {
                    c.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
