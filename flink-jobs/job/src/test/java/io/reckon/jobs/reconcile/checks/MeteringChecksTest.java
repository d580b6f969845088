package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tolerance of the metering comparison is exact: the same value as the exact division by 100. */
class MeteringChecksTest {

    @Test
    void toleranceIsTolerancePctPercentOfTheLargerQuantityExactly() {
        assertThat(MeteringChecks.tolerance(new BigDecimal("0.5"), new BigDecimal("200"), new BigDecimal("100")))
                .isEqualByComparingTo("1");
        assertThat(MeteringChecks.tolerance(new BigDecimal("0.5"), new BigDecimal("1E+3"), BigDecimal.ZERO))
                .isEqualByComparingTo("5");
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            BigDecimal a = BigDecimal.valueOf(random.nextLong() >>> random.nextInt(64), random.nextInt(20) - 5);
            BigDecimal b = BigDecimal.valueOf(random.nextLong() >>> random.nextInt(64), random.nextInt(20) - 5);
            BigDecimal pct = BigDecimal.valueOf(random.nextInt(10_000), random.nextInt(4));
            BigDecimal exact = a.max(b).multiply(pct).divide(BigDecimal.valueOf(100));
            assertThat(MeteringChecks.tolerance(pct, a, b)).isEqualByComparingTo(exact);
        }
    }
}
