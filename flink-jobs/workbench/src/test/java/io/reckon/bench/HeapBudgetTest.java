package io.reckon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapBudgetTest {

    private static final long GIB = 1L << 30;

    @Test
    void theSparseProfileFitsTheCommandLinesDefaultHeapAndTheDenseOneSaysWhatItNeeds() {
        assertThat(HeapBudget.shortfall(2_000_000, 2 * GIB)).isEmpty();
        assertThat(HeapBudget.shortfall(10_000_000, 2 * GIB)).hasValueSatisfying(m -> assertThat(m)
                .contains("10,000,000 events")
                .contains("RECKON_JAVA_OPTS=-Xmx3g")
                .contains("--state-backend rocksdb"));
        assertThat(HeapBudget.shortfall(10_000_000, 3 * GIB)).isEmpty();
    }

    @Test
    void theNeedGrowsWithTheEvents() {
        assertThat(HeapBudget.needed(20_000_000) - HeapBudget.needed(10_000_000))
                .isEqualTo(10_000_000L * HeapBudget.BYTES_PER_ID * 3 / 2);
    }
}
