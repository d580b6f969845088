package io.reckon.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * {@link DecimalCodec}: every decimal comes back equal, value and scale, and its kind is the one its
 * size says; a corrupt length is refused before anything of its size is allocated.
 */
class DecimalCodecTest {

    @Property(tries = 2_000)
    void everyDecimalRoundTripsWithItsScale(
            @ForAll BigInteger unscaled, @ForAll @IntRange(min = -40, max = 40) int scale) throws Exception {
        BigDecimal value = new BigDecimal(unscaled, scale);
        DataOutputSerializer out = new DataOutputSerializer(32);
        DecimalCodec.writeFull(out, value);
        BigDecimal back = DecimalCodec.readFull(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).isEqualTo(value);
        int kind = DecimalCodec.kind(value);
        if (unscaled.signum() == 0) {
            assertThat(kind).isEqualTo(DecimalCodec.ZERO);
        } else if (unscaled.bitLength() <= 63) {
            assertThat(kind).isEqualTo(DecimalCodec.LONG);
            assertThat(DecimalCodec.unscaledLong(value)).isEqualTo(unscaled.longValueExact());
        } else {
            assertThat(kind).isEqualTo(DecimalCodec.BIG);
        }
    }

    @Property(tries = 500)
    void longsAtTheEdgesOfEighteenDigitsKeepTheirUnscaledValue(
            @ForAll @IntRange(min = -3, max = 3) int offset, @ForAll @IntRange(min = -20, max = 20) int scale) {
        for (long edge : new long[] {999_999_999_999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE + 3, 1L}) {
            long u = edge + (edge > 0 && offset > 0 && edge == Long.MAX_VALUE ? -offset : offset);
            BigDecimal value = BigDecimal.valueOf(u, scale);
            assertThat(DecimalCodec.unscaledLong(value)).isEqualTo(u);
        }
    }

    @org.junit.jupiter.api.Test
    void aLengthBeyondAnyValueIsCorruptBeforeItsBytesAreAllocated() throws Exception {
        BigDecimal widest = new BigDecimal(BigInteger.ONE.shiftLeft(8 * DecimalCodec.MAX_UNSCALED_BYTES - 2), 3);
        DataOutputSerializer out = new DataOutputSerializer(32);
        DecimalCodec.writeFull(out, widest);
        assertThat(DecimalCodec.readFull(new DataInputDeserializer(out.getCopyOfBuffer())))
                .isEqualTo(widest);
        // The header of a big decimal at scale 0, then a length of 2^31 - 1 bytes and nothing after it:
        // allocated, it was an OutOfMemoryError in a small heap, an end of input in a large one.
        DataOutputSerializer corrupt = new DataOutputSerializer(16);
        DecimalCodec.writeUnsigned(corrupt, DecimalCodec.BIG);
        DecimalCodec.writeUnsigned(corrupt, Integer.MAX_VALUE);
        assertThatThrownBy(() -> DecimalCodec.readFull(new DataInputDeserializer(corrupt.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("length");
    }
}
