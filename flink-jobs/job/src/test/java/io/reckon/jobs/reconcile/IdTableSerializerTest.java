package io.reckon.jobs.reconcile;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

/**
 * {@link IdTableSerializer}: Flink's serializer contract (copies independent of the original, the
 * snapshot restoring the serializer, reading what was written) on an empty table, a table of ids with
 * one copy each, and one with ids kept beside the slots (several copies, a wide quantity, a copy of the
 * first layout without a quantity).
 */
class IdTableSerializerTest extends SerializerTestBase<IdTable> {

    IdTableSerializerTest() {
        super(new DeeplyEqualsChecker()
                .withCustomCheck(
                        (a, b) -> a instanceof IdTable && b instanceof IdTable,
                        (a, b, c) -> contents((IdTable) a).equals(contents((IdTable) b))));
    }

    private static Map<String, IdCopies> contents(IdTable t) {
        Map<String, IdCopies> m = new HashMap<>();
        t.forEachEntry(m::put);
        return m;
    }

    @Override
    protected TypeSerializer<IdTable> createSerializer() {
        return IdTableSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<IdTable> getTypeClass() {
        return IdTable.class;
    }

    @Override
    protected IdTable[] getTestData() {
        IdTable plain = new IdTable();
        for (int i = 0; i < 100; i++) {
            plain.put("evt-" + i, IdCopies.one(1_772_000_000_000L + i, BigDecimal.valueOf(i, 9)));
        }
        IdTable mixed = new IdTable();
        mixed.put("one", IdCopies.one(5L, new BigDecimal("12.5")));
        mixed.put("two", IdCopies.one(5L, new BigDecimal("12.5")).with(6L, new BigDecimal("12.50")));
        mixed.put("wide", IdCopies.one(7L, new BigDecimal("12345678901234567890.123456789")));
        mixed.put("legacy", IdCopies.one(8L, null));
        mixed.put("ünïcødé", IdCopies.one(-9L, BigDecimal.valueOf(-3, -2)));
        return new IdTable[] {new IdTable(), plain, mixed};
    }
}
