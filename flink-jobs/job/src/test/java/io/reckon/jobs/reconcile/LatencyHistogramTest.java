package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void everyValueLiesInABucketWhoseUpperBoundIsAtMostASixteenthAboveIt() {
        long[] samples = {0, 1, 15, 16, 17, 31, 32, 33, 100, 999, 1_000, 1_023, 1_024, 123_456, 999_999, 60_000_000L};
        for (long v : samples) {
            long upper = LatencyHistogram.upperBound(LatencyHistogram.bucket(v));
            assertThat(upper).as("upper bound of %d", v).isGreaterThanOrEqualTo(v);
            assertThat(upper - v).as("error of %d", v).isLessThanOrEqualTo(v / 16);
        }
    }

    @Test
    void percentilesOfMergedHistogramsCountEverySample() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (long v = 1; v <= 990; v++) {
            a.add(v * 1_000);
        }
        for (int i = 0; i < 10; i++) {
            b.add(5_000_000L);
        }
        a.merge(b);

        assertThat(LatencyHistogram.count(a.getLocalValue())).isEqualTo(1_000);
        long p50 = LatencyHistogram.percentileMicros(a.getLocalValue(), 0.50);
        assertThat(p50).isBetween(500_000L, 500_000L + 500_000L / 16);
        assertThat(LatencyHistogram.percentileMicros(a.getLocalValue(), 0.999)).isGreaterThanOrEqualTo(5_000_000L);
        assertThat(LatencyHistogram.percentileMicros(new long[1024], 0.5)).isEqualTo(-1);
    }
}
