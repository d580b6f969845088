package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LaterRecordTest {

    @Test
    void theGreaterUpdatedAtWinsWhateverTheArrivalOrder() {
        assertThat(LaterRecord.replaces(20, 10, -1)).isTrue();
        assertThat(LaterRecord.replaces(10, 20, 1)).isFalse();
    }

    @Test
    void aRecordWithUpdatedAtIsLaterThanOneWithout() {
        assertThat(LaterRecord.replaces(10, LaterRecord.NONE, -1)).isTrue();
        assertThat(LaterRecord.replaces(LaterRecord.NONE, 10, 1)).isFalse();
    }

    @Test
    void withoutUpdatedAtTheLaterArrivalWinsAndEqualOnesAreOrderedByContent() {
        assertThat(LaterRecord.replaces(LaterRecord.NONE, LaterRecord.NONE, -1)).isTrue();
        assertThat(LaterRecord.replaces(10, 10, 1)).isTrue();
        assertThat(LaterRecord.replaces(10, 10, -1)).isFalse();
        assertThat(LaterRecord.replaces(10, 10, 0)).isFalse();
    }
}
