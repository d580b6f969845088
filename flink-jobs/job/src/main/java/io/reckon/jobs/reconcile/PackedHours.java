package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * The buckets of a day's hours as ten {@link BitColumns}: the figures of one hour are a row, each
 * figure a column across the day's hours, so that a count of 3 takes two bits and a sum of tenths
 * twelve, not a tag, a scale and whole-byte varints per aggregate.
 *
 * <p>The columns, for usage and then for reports: the count, the sum's scale, the sum's unscaled
 * value, the max's scale, the max's unscaled value. A payload starts with a byte of flags: bit k set
 * when reported column k is written as its difference from usage column k, as it is when that is
 * shorter; an hour reported as measured then costs no bit in any of the five. Value and scale come back
 * exactly as they were. A bucket one of whose figures has an unscaled value beyond a long, or with
 * reported summaries whose count aggregate is not their count ({@link Agg#countExcess}), has no packed
 * form ({@link #figuresOf} returns null): its day keeps the per-hour encoding.
 *
 * <p>In memory a day's figures are {@code long[COLUMNS][n]}, the reported ones as they are (no
 * differences), so that an hour can be changed without touching the others' objects.
 */
final class PackedHours {

    static final int COLUMNS = 10;

    private static final int USAGE = 0;
    private static final int REPORTED = 5;
    private static final int COUNT = 0;
    private static final int SUM_SCALE = 1;
    private static final int SUM = 2;
    private static final int MAX_SCALE = 3;
    private static final int MAX = 4;

    private PackedHours() {}

    /** The ten figures of {@code b}, or null when it has no packed form. */
    static long[] figuresOf(HourBucket b) {
        long[] f = new long[COLUMNS];
        return into(b.usage, f, USAGE) && into(b.reported, f, REPORTED) ? f : null;
    }

    /**
     * The columns of the first {@code n} buckets, or null when a figure of one of them is beyond a long
     * (those have no packed form).
     */
    static long[][] columnsOf(HourBucket[] buckets, int n) {
        long[][] columns = new long[COLUMNS][n];
        for (int i = 0; i < n; i++) {
            long[] figures = figuresOf(buckets[i]);
            if (figures == null) {
                return null;
            }
            for (int c = 0; c < COLUMNS; c++) {
                columns[c][i] = figures[c];
            }
        }
        return columns;
    }

    private static boolean into(Agg a, long[] f, int at) {
        if (DecimalCodec.kind(a.sum) == DecimalCodec.BIG
                || DecimalCodec.kind(a.max) == DecimalCodec.BIG
                || a.countExcess.signum() != 0) {
            return false;
        }
        f[at + COUNT] = a.count;
        f[at + SUM_SCALE] = a.sum.scale();
        f[at + SUM] = a.sum.signum() == 0 ? 0 : DecimalCodec.unscaledLong(a.sum);
        f[at + MAX_SCALE] = a.max.scale();
        f[at + MAX] = a.max.signum() == 0 ? 0 : DecimalCodec.unscaledLong(a.max);
        return true;
    }

    /** The bucket of row {@code i} of {@code columns}. */
    static HourBucket bucket(long[][] columns, int i) {
        long[] row = new long[COLUMNS];
        for (int c = 0; c < COLUMNS; c++) {
            row[c] = columns[c][i];
        }
        return bucketOf(row);
    }

    /** The bucket of one row's ten figures. */
    private static HourBucket bucketOf(long[] row) {
        HourBucket b = new HourBucket();
        b.usage = agg(row, USAGE);
        b.reported = agg(row, REPORTED);
        return b;
    }

    private static Agg agg(long[] row, int at) {
        Agg a = new Agg();
        a.count = row[at + COUNT];
        a.sum = BigDecimal.valueOf(row[at + SUM], (int) row[at + SUM_SCALE]);
        a.max = BigDecimal.valueOf(row[at + MAX], (int) row[at + MAX_SCALE]);
        return a;
    }

    /** The payload of the first {@code n} rows of {@code columns}. */
    static byte[] pack(long[][] columns, int n) {
        BitColumnWriter out = new BitColumnWriter(n);
        for (int c = 0; c < REPORTED; c++) {
            out.column(columns[c]);
        }
        int flags = 0;
        for (int k = 0; k < REPORTED; k++) {
            long[] reported = columns[REPORTED + k];
            BitColumns.Stats direct = BitColumns.Stats.of(reported, n);
            long[] difference = direct.isZeros() ? null : differences(reported, columns[USAGE + k], n);
            BitColumns.Stats stats = difference == null ? null : BitColumns.Stats.of(difference, n);
            if (stats != null && stats.bits < direct.bits) {
                flags |= 1 << k;
                out.column(difference, stats);
            } else {
                out.column(reported, direct);
            }
        }
        byte[] body = out.toBytes();
        byte[] payload = new byte[body.length + 1];
        payload[0] = (byte) flags;
        System.arraycopy(body, 0, payload, 1, body.length);
        return payload;
    }

    /** reported - usage for each row, or null when one of them is beyond a long. */
    private static long[] differences(long[] reported, long[] usage, int n) {
        long[] d = new long[n];
        for (int i = 0; i < n; i++) {
            long r = reported[i];
            long u = usage[i];
            long diff = r - u;
            if (((r ^ u) & (r ^ diff)) < 0) {
                return null;
            }
            d[i] = diff;
        }
        return d;
    }

    /**
     * The columns of a payload of {@code n} rows read by {@code in}, with {@code flags} its first byte,
     * checked: figures, scales and counts as written can be.
     */
    static long[][] unpack(BitColumnReader in, int flags, int n) throws IOException {
        long[][] columns = new long[COLUMNS][n];
        for (int c = 0; c < COLUMNS; c++) {
            in.column(c, columns[c]);
        }
        long[] row = new long[COLUMNS];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < COLUMNS; c++) {
                row[c] = columns[c][i];
            }
            check(flags, i, row);
            for (int k = REPORTED; k < COLUMNS; k++) {
                columns[k][i] = row[k];
            }
        }
        return columns;
    }

    /**
     * The bucket of row {@code i} of the payload read by {@code in}, with {@code flags} its first byte, the
     * others not decoded.
     */
    static HourBucket bucket(BitColumnReader in, int flags, int i) throws IOException {
        long[] row = new long[COLUMNS];
        for (int c = 0; c < COLUMNS; c++) {
            row[c] = in.get(c, i);
        }
        check(flags, i, row);
        return bucketOf(row);
    }

    /** A reader of the payload's columns after its flags, checked. */
    static BitColumnReader reader(byte[] payload, int n) throws IOException {
        if (payload.length == 0) {
            throw new IOException("Corrupt packed hours: no flags");
        }
        int flags = payload[0] & 0xFF;
        if ((flags & ~0x1F) != 0) {
            throw new IOException("Corrupt packed hours: flags " + flags);
        }
        return new BitColumnReader(payload, 1, COLUMNS, n);
    }

    /** Adds the usage figures to the reported ones written as differences, and checks counts and scales. */
    private static void check(int flags, int i, long[] row) throws IOException {
        for (int k = 0; k < REPORTED; k++) {
            if ((flags & 1 << k) != 0) {
                try {
                    row[REPORTED + k] = Math.addExact(row[USAGE + k], row[REPORTED + k]);
                } catch (ArithmeticException e) {
                    throw new IOException("Corrupt packed hours: a reported figure beyond a long", e);
                }
            }
        }
        for (int at = USAGE; at <= REPORTED; at += REPORTED) {
            if (row[at + COUNT] < 0
                    || (int) row[at + SUM_SCALE] != row[at + SUM_SCALE]
                    || (int) row[at + MAX_SCALE] != row[at + MAX_SCALE]) {
                throw new IOException("Corrupt packed hours: count or scale of hour " + i);
            }
        }
    }
}
