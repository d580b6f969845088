package io.reckon.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

/**
 * {@link WireStrings} reads what {@link StringValue#writeString} wrote, as {@link
 * StringValue#readString} does: any string (null, empty, ASCII, Latin-1, beyond, surrogates, longer
 * than its first buffer), and any bytes end in the same string or an exception, never in a
 * different answer.
 */
class WireStringsTest {

    @Provide
    Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(50),
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(50),
                Arbitraries.strings().ascii().ofMinLength(4_000).ofMaxLength(9_000),
                Arbitraries.just((String) null));
    }

    @Property(tries = 1_000)
    void readsWhatFlinkWrote(@ForAll("strings") String s, @ForAll("strings") String next) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StringValue.writeString(s, out);
        StringValue.writeString(next, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThat(WireStrings.read(in)).isEqualTo(s);
        assertThat(WireStrings.read(in)).isEqualTo(next);
        assertThat(in.available()).isZero();
    }

    /** Bytes after a length of one or two bytes (up to 16,383 characters), so Flink's own reader takes no huge buffer. */
    @Provide
    Arbitrary<byte[]> hostile() {
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> oneByte = Arbitraries.integers().between(0, 127).map(n -> new byte[] {(byte) (int) n});
        Arbitrary<byte[]> twoBytes = Arbitraries.integers().between(0, 16_383).map(n ->
                new byte[] {(byte) (0x80 | (n & 0x7f)), (byte) (n >>> 7)});
        return net.jqwik.api.Combinators.combine(Arbitraries.oneOf(oneByte, twoBytes), body)
                .as((head, rest) -> {
                    byte[] all = java.util.Arrays.copyOf(head, head.length + rest.length);
                    System.arraycopy(rest, 0, all, head.length, rest.length);
                    return all;
                });
    }

    @Property(tries = 2_000)
    void anyBytesReadAsFlinkReadsThem(@ForAll("hostile") byte[] bytes) {
        Object flink = readWith(bytes, true);
        Object ours = readWith(bytes, false);
        if (flink instanceof String || flink == null) {
            assertThat(ours).isEqualTo(flink);
        } else {
            assertThat(ours).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aLengthBeyondTheBytesEndsInAnEndOfInput() {
        // 2^28 characters announced, 3 present: no buffer of that size is taken first.
        byte[] bytes = {(byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01, 'a', 'b', 'c'};
        assertThatThrownBy(() -> WireStrings.read(new DataInputDeserializer(bytes)))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void aLengthBeyondTheBytesOfWideCharsEndsInAnEndOfInputToo() {
        // 2^31 - 2 characters announced (more than any array holds), then 'a', 'é' (two bytes: 0xE9
        // is beyond 7 bits) and nothing more.
        byte[] bytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 'a', (byte) 0xE9, 0x01};
        assertThatThrownBy(() -> WireStrings.read(new DataInputDeserializer(bytes)))
                .isInstanceOf(EOFException.class);
    }

    /** The string read, null, or the exception thrown. */
    private static Object readWith(byte[] bytes, boolean flink) {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        try {
            return flink ? StringValue.readString(in) : WireStrings.read(in);
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }
}
