package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;
import org.junit.jupiter.api.Test;

/**
 * {@link IdCopiesSerializer}: Flink's serializer contract on edge cases (scale kept: copies of 5.0 and
 * 5.00 are two copies), and the size of the common case, one copy.
 */
class IdCopiesSerializerTest extends SerializerTestBase<IdCopies> {

    IdCopiesSerializerTest() {
        super(new DeeplyEqualsChecker()
                .withCustomCheck((a, b) -> a instanceof IdCopies && b instanceof IdCopies, (a, b, c) -> a.equals(b)));
    }

    @Override
    protected TypeSerializer<IdCopies> createSerializer() {
        return IdCopiesSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<IdCopies> getTypeClass() {
        return IdCopies.class;
    }

    @Override
    protected IdCopies[] getTestData() {
        IdCopies many = IdCopies.of(Long.MIN_VALUE, new BigDecimal("5.0"));
        many = many.with(Long.MIN_VALUE, new BigDecimal("5.00"));
        many = many.with(0L, null);
        many = many.with(Long.MAX_VALUE, new BigDecimal(BigInteger.TEN.pow(40), 12));
        return new IdCopies[] {
            new IdCopies(),
            IdCopies.of(1_772_000_000_000L, new BigDecimal("12.500000000")),
            IdCopies.of(-1L, null),
            many
        };
    }

    @Test
    void oneCopyOfAScaleNineQuantityTakesFifteenBytes() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(32);
        IdCopiesSerializer.INSTANCE.serialize(IdCopies.of(1_772_000_000_000L, new BigDecimal("12.500000000")), out);
        // count 1, time 8, quantity: kind and scale 1, varint of 12,500,000,000 (5 bytes).
        assertThat(out.length()).isEqualTo(15);
    }
}
