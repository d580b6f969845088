package io.reckon.jobs.sources;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random edits of a valid record's bytes, for the decoders' fuzz properties: a bit flipped, a byte set,
 * bytes inserted or cut, a byte replaced by a varint (Avro's encoding of lengths, counts and longs).
 */
final class ByteEdits {

    /** One edit, at a position given in thousandths of the editable part. */
    record Edit(Op op, int at, byte[] bytes, long varint) {
        @Override
        public String toString() {
            return op + "@" + at
                    + (op == Op.VARINT ? " " + varint : " " + HexFormat.of().formatHex(bytes));
        }
    }

    enum Op {
        FLIP_BIT,
        SET_BYTE,
        INSERT,
        CUT,
        VARINT
    }

    private ByteEdits() {}

    /** One to four edits; {@code inserted} gives the bytes an insertion adds. */
    static Arbitrary<List<Edit>> edits(Arbitrary<byte[]> inserted) {
        Arbitrary<Long> varints = Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.of(
                        -1L,
                        0L,
                        1L,
                        127L,
                        128L,
                        (long) Integer.MAX_VALUE,
                        (long) Integer.MIN_VALUE,
                        Long.MAX_VALUE,
                        Long.MIN_VALUE,
                        1L << 31,
                        65_537L));
        return Combinators.combine(
                        Arbitraries.of(Op.class), Arbitraries.integers().between(0, 999), inserted, varints)
                .as(Edit::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(4);
    }

    /** Random bytes, one to twelve. */
    static Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(12);
    }

    /** {@code p} with the edits applied in turn, none before position {@code from} (a header left as is). */
    static byte[] applied(byte[] p, int from, List<Edit> edits) {
        byte[] out = p;
        for (Edit e : edits) {
            int start = Math.min(from, out.length);
            int at = start + (int) ((long) e.at() * (out.length - start) / 1_000);
            out = switch (e.op()) {
                case FLIP_BIT -> at < out.length ? flipped(out, at, e.bytes()[0]) : out;
                case SET_BYTE -> replaced(out, at, new byte[] {e.bytes()[0]}, 1);
                case INSERT -> replaced(out, at, e.bytes(), 0);
                case CUT -> replaced(out, at, new byte[0], e.bytes().length);
                case VARINT -> replaced(out, at, zigZagVarint(e.varint()), 1);
            };
        }
        return out;
    }

    private static byte[] flipped(byte[] p, int at, byte bit) {
        byte[] out = p.clone();
        out[at] ^= (byte) (1 << (bit & 7));
        return out;
    }

    /** {@code p} with up to {@code remove} bytes at {@code at} replaced by {@code with}. */
    private static byte[] replaced(byte[] p, int at, byte[] with, int remove) {
        int to = Math.min(at + remove, p.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(p, 0, at);
        out.writeBytes(with);
        out.write(p, to, p.length - to);
        return out.toByteArray();
    }

    /** Avro's encoding of a long: zig-zag, then seven bits a byte, low bits first. */
    static byte[] zigZagVarint(long value) {
        long n = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }
}
