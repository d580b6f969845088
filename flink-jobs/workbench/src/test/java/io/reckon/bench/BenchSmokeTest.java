package io.reckon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seconds-long run of the benchmark on a tiny workload: it runs, both engines find the same
 * non-empty set of under-reported periods, and every figure is filled in. The full benchmark is
 * {@code reckon bench}, not part of the test suite.
 */
class BenchSmokeTest {

    @TempDir
    Path work;

    @Test
    void reckonAndTheSqlBaselineFindTheSameUnderReportedPeriodsOnATinyWorkload() throws Exception {
        BenchWorkload.Options options = BenchWorkload.Options.defaults()
                .withEvents(20_000)
                .withKeys(10, 2)
                .withDays(3)
                .withRates(0.02, 0.1, 0.3)
                .withSeed(7);

        Bench.Report report = Bench.run(
                new Bench.Config(options, List.of(Bench.Mode.IN_MEMORY), List.of(Bench.Backend.HEAP), true, 0, work),
                System.err);

        assertThat(report.comparisons()).hasSize(1);
        Bench.Comparison c = report.comparisons().get(0);
        assertThat(c.reckon().findings()).isNotEmpty();
        assertThat(c.differences()).isEmpty();
        assertThat(c.baseline().findings()).containsExactlyElementsOf(c.reckon().findings());
        assertThat(report.valid()).isTrue();

        BenchRun reckon = c.reckon();
        assertThat(reckon.events()).isEqualTo(20_000);
        assertThat(reckon.eventsPerSecond()).isPositive();
        assertThat(reckon.eventsPerCpuSecond()).isPositive();
        assertThat(reckon.jitSeconds()).isGreaterThanOrEqualTo(0.0);
        assertThat(reckon.eventsPerCpuSecondWithoutJit()).isGreaterThanOrEqualTo(reckon.eventsPerCpuSecond());
        // Latency samples need the watermark to cross hours while records flow; on a tiny input read
        // faster than the periodic watermark, every tick can fall into the final end-of-input jump,
        // which is not counted. The full benchmark always has samples.
        assertThat(reckon.latencySamples()).isNotNegative();
        if (reckon.latencySamples() > 0) {
            assertThat(reckon.latencyP99Ms()).isGreaterThanOrEqualTo(reckon.latencyP50Ms());
        }
        assertThat(reckon.heapPeakBytes()).isPositive();
        assertThat(c.ratio()).isPositive();
        assertThat(report.stateFootprint().get("total")).isPositive();
        assertThat(BenchReport.json(report)).contains("\"findings_equal\" : true");
    }

    @Test
    void theWorkloadIsAFunctionOfSeedAndIndex() {
        BenchWorkload a = new BenchWorkload(BenchWorkload.Options.defaults().withEvents(10_000));
        BenchWorkload b = new BenchWorkload(BenchWorkload.Options.defaults().withEvents(10_000));
        for (long i = 0; i < a.recordsPerInput(); i += 97) {
            assertThat(a.usage(i)).isEqualTo(b.usage(i));
            assertThat(a.reported(i)).isEqualTo(b.reported(i));
        }
        BenchWorkload other = new BenchWorkload(
                BenchWorkload.Options.defaults().withEvents(10_000).withSeed(43));
        assertThat(other.usage(5)).isNotEqualTo(a.usage(5));
    }
}
