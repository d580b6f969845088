package io.reckon.connectors.stripe.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InvoiceEventClockTest {

    private static final long T = 1_775_001_600L;

    @Test
    void eventsOfOneInvoiceInOneSecondRankInTheOrderTheyAreRead() {
        InvoiceEventClock clock = InvoiceEventClock.start();
        assertThat(clock.next("in_1", T)).isEqualTo(T * 1000);
        assertThat(clock.next("in_2", T)).isEqualTo(T * 1000);
        assertThat(clock.next("in_1", T)).isEqualTo(T * 1000 + 1);
        assertThat(clock.next("in_1", T)).isEqualTo(T * 1000 + 2);
        assertThat(clock.seen()).isEqualTo(Map.of("in_1", 3, "in_2", 1));
        // A new second starts every invoice at rank 0 again.
        assertThat(clock.next("in_1", T + 1)).isEqualTo((T + 1) * 1000);
        assertThat(clock.seen()).isEqualTo(Map.of("in_1", 1));
    }

    @Test
    void aRestoredClockGoesOnCountingItsSecondAndAnEventWithoutInvoiceMovesTheSecond() {
        InvoiceEventClock restored = new InvoiceEventClock(T, Map.of("in_1", 2));
        assertThat(restored.next("in_1", T)).isEqualTo(T * 1000 + 2);
        restored.advance(T + 5);
        assertThat(restored.second()).isEqualTo(T + 5);
        assertThat(restored.seen()).isEmpty();
        assertThat(restored.next("in_1", T + 5)).isEqualTo((T + 5) * 1000);
    }

    @Test
    void theRankStopsBelowTheBackfillsMillisecond() {
        InvoiceEventClock clock = InvoiceEventClock.start();
        long last = 0;
        for (int i = 0; i < 1_200; i++) {
            last = clock.next("in_1", T);
        }
        assertThat(last).isEqualTo(T * 1000 + InvoiceEventClock.MAX_RANK);
        assertThat(InvoiceEventClock.BACKFILL_RANK).isGreaterThan(InvoiceEventClock.MAX_RANK);
        assertThat(InvoiceEventClock.BACKFILL_RANK).isLessThan(1000);
    }
}
