package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The ids' marker: what keeps a walk past a key's ids in RocksDB short, and never seen as an id. */
class EntryIdStoreTest {

    private final InMemoryState.OfMap<String, IdCopies> map = new InMemoryState.OfMap<>();
    private final EntryIdStore store = new EntryIdStore(map);

    @Test
    void aSweepLeavesOneMarkerThatIsNoId() throws Exception {
        store.put("old", IdCopies.one(10, BigDecimal.ONE));
        store.put("new", IdCopies.one(100, BigDecimal.TEN));

        store.removeLatestBefore(50);
        store.removeLatestBefore(60);

        assertThat(map.keys()).containsExactlyInAnyOrder(EntryIdStore.MARKER_ID, "new");
        List<String> ids = new ArrayList<>();
        store.forEachEntry((id, c) -> ids.add(id));
        List<IdCopies> copies = new ArrayList<>();
        store.forEach(copies::add);
        assertThat(ids).containsExactly("new");
        assertThat(copies).containsExactly(IdCopies.one(100, BigDecimal.TEN));
    }

    @Test
    void aKeyWhoseIdsAreAllSweptKeepsOnlyItsMarkerUntilCleared() throws Exception {
        store.put("a", IdCopies.one(10, BigDecimal.ONE));

        store.removeLatestBefore(Long.MAX_VALUE);
        assertThat(map.keys()).containsExactly(EntryIdStore.MARKER_ID);

        store.clear();
        assertThat(map.isEmpty()).isTrue();
    }

    /**
     * RocksDB orders a key's map entries by the bytes of their serialized user keys, unsigned: the
     * marker must come before every id a record can have (ids are never empty).
     */
    @Property(tries = 500)
    void theMarkerSortsBeforeEveryIdInRocksDbsOrder(@ForAll @StringLength(min = 1, max = 300) String id)
            throws Exception {
        assertThat(Arrays.compareUnsigned(bytes(EntryIdStore.MARKER_ID), bytes(id)))
                .isNegative();
    }

    private static byte[] bytes(String s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        StringSerializer.INSTANCE.serialize(s, out);
        return out.getCopyOfBuffer();
    }
}
