package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CopyRuleTest {

    private static final long H = 3_600_000L;

    @Test
    void theFirstCopyCountsAndEachCopyMoreThanTheHorizonAfterTheLastCountedOne() {
        // 0 h counts; 20 h is within 24 h of it; 30 h is 30 h after it: counts; 40 h is 10 h after 30 h.
        assertThat(CopyRule.counted(new long[] {0, 20 * H, 30 * H, 40 * H}, 24 * H))
                .containsExactly(true, false, true, false);
        assertThat(CopyRule.counted(new long[] {0, 24 * H, 24 * H + 1}, 24 * H)).containsExactly(true, false, true);
        assertThat(CopyRule.counted(new long[0], 24 * H)).isEmpty();
    }

    @Test
    void copiesAreOrderedByTimeThenQuantityThenScale() {
        assertThat(CopyRule.compare(1, new BigDecimal("5"), 2, new BigDecimal("1")))
                .isNegative();
        assertThat(CopyRule.compare(1, new BigDecimal("5"), 1, new BigDecimal("6")))
                .isNegative();
        assertThat(CopyRule.compare(1, new BigDecimal("5.0"), 1, new BigDecimal("5.00")))
                .isNegative();
        assertThat(CopyRule.compare(1, new BigDecimal("5.00"), 1, new BigDecimal("5.00")))
                .isZero();
        assertThat(CopyRule.compare(1, null, 1, new BigDecimal("0"))).isNegative();
    }
}
