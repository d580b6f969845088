package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A key's whole {@link HourTable} in one set of {@link PackedHours} columns, the form {@link
 * HourTableSerializer} writes when every figure fits a long: the hours as runs of consecutive hours
 * (a busy key's month is one run), then one payload for all of them. Against a payload per day it
 * saves each day's header, flags and ten column headers, some 35 bytes a day.
 *
 * <p>The layout: the number of runs, each run as its first hour (the first as hours since the epoch,
 * zig-zag; the next ones as the hours after the end of the run before, at least one) and its length,
 * then the payload's length and the payload. At most {@link #MAX_HOURS} hours, so that corrupt bytes
 * can make a reader allocate no more than their columns (10 longs an hour, 5 MB).
 */
final class PackedHourTable {

    /** The most hours written in this form: some seven years, far beyond what a key retains. */
    static final int MAX_HOURS = 1 << 16;

    private PackedHourTable() {}

    /**
     * The columns of {@code buckets}, or null when they cannot be written in this form (none, too many,
     * or a figure beyond a long).
     */
    static long[][] columnsOf(HourBucket[] buckets) {
        int n = buckets.length;
        return n == 0 || n > MAX_HOURS ? null : PackedHours.columnsOf(buckets, n);
    }

    /** Writes the ascending starts of {@code hours} and the {@link #columnsOf} their buckets. */
    static void write(long[] hours, long[][] columns, DataOutputView out) throws IOException {
        writeRuns(hours, hours.length, out);
        writePayload(PackedHours.pack(columns, hours.length), out);
    }

    /** Writes the first {@code n} of the ascending starts {@code hours} as runs of consecutive hours. */
    static void writeRuns(long[] hours, int n, DataOutputView out) throws IOException {
        int runs = 1;
        for (int i = 1; i < n; i++) {
            if (hours[i] != hours[i - 1] + HOUR_MS) {
                runs++;
            }
        }
        DecimalCodec.writeUnsigned(out, runs);
        long previousEnd = 0;
        for (int from = 0; from < n; ) {
            int to = from + 1;
            while (to < n && hours[to] == hours[to - 1] + HOUR_MS) {
                to++;
            }
            long first = hours[from] / HOUR_MS;
            if (from == 0) {
                DecimalCodec.writeZigZag(out, first);
            } else {
                DecimalCodec.writeUnsigned(out, first - previousEnd);
            }
            DecimalCodec.writeUnsigned(out, to - from);
            previousEnd = first + (to - from);
            from = to;
        }
    }

    /** Writes a {@link PackedHours} payload after its length. */
    static void writePayload(byte[] payload, DataOutputView out) throws IOException {
        DecimalCodec.writeUnsigned(out, payload.length);
        out.write(payload);
    }

    /**
     * Runs of consecutive hours as {@link #writeRuns} wrote them: run r starts at hour {@code firsts[r]}
     * (hours since the epoch) and has {@code lengths[r]} hours, {@code n} in all.
     */
    record Runs(long[] firsts, int[] lengths, int n) {}

    /** Reads a table {@link #write} wrote, checked: corrupt bytes give an {@link IOException}. */
    static HourTable read(DataInputView in) throws IOException {
        Runs runs = readRuns(in, MAX_HOURS);
        byte[] payload = readPayload(in, runs.n());
        BitColumnReader reader = PackedHours.reader(payload, runs.n());
        long[][] columns = PackedHours.unpack(reader, payload[0] & 0xFF, runs.n());
        HourTable table = new HourTable();
        int i = 0;
        for (int r = 0; r < runs.firsts().length; r++) {
            for (int h = 0; h < runs.lengths()[r]; h++) {
                table.put((runs.firsts()[r] + h) * HOUR_MS, PackedHours.bucket(columns, i++));
            }
        }
        return table;
    }

    /** Reads runs {@link #writeRuns} wrote, of {@code maxHours} hours at most, checked. */
    static Runs readRuns(DataInputView in, int maxHours) throws IOException {
        long runs = DecimalCodec.readUnsigned(in);
        if (runs < 1 || runs > maxHours) {
            throw new IOException("Corrupt packed hours: " + runs + " runs");
        }
        long[] firsts = new long[(int) runs];
        int[] lengths = new int[(int) runs];
        long n = 0;
        long end = 0;
        for (int r = 0; r < runs; r++) {
            long step = r == 0 ? DecimalCodec.readZigZag(in) : DecimalCodec.readUnsigned(in);
            long length = DecimalCodec.readUnsigned(in);
            if ((r > 0 && step < 1) || length < 1 || length > maxHours - n) {
                throw new IOException("Corrupt packed hours at run " + r);
            }
            try {
                firsts[r] = r == 0 ? step : Math.addExact(end, step);
                end = Math.addExact(firsts[r], length);
                Math.multiplyExact(end, HOUR_MS);
            } catch (ArithmeticException e) {
                throw new IOException("Corrupt packed hours: hour out of range at run " + r, e);
            }
            lengths[r] = (int) length;
            n += length;
        }
        return new Runs(firsts, lengths, (int) n);
    }

    /** Reads a payload {@link #writePayload} wrote for {@code n} hours, its length checked. */
    static byte[] readPayload(DataInputView in, int n) throws IOException {
        long size = DecimalCodec.readUnsigned(in);
        // Ten columns of at most 65 bits a value (a sparse column's bit per row and its value), their
        // headers (at most 24 bytes each) and the flags.
        if (size < 1 || size > 1 + PackedHours.COLUMNS * (24 + 9L * n)) {
            throw new IOException("Corrupt packed hours: payload of " + size + " bytes");
        }
        byte[] payload = new byte[(int) size];
        in.readFully(payload);
        return payload;
    }
}
