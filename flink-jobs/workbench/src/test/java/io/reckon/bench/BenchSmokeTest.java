package io.reckon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.MeterEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

        Bench.Report report = Bench.run(inMemoryWithHeap("sparse", options, true), System.err);

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
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            assertThat((Double) reckon.notes().get("gc_cpu_seconds"))
                    .isGreaterThanOrEqualTo(0.0)
                    .isLessThanOrEqualTo(reckon.cpuSeconds());
        }
        // Ticks happen (hours with records close and mature), about one per key-hour of the 3 days
        // with records, not one per key and hour of the 31-day period they belong to (14,880).
        assertThat((Long) reckon.notes().get("ticks")).isPositive().isLessThan(20L * 4 * 24);
        assertThat(c.ratio()).isPositive();
        assertThat(report.stateFootprint().get("total")).isPositive();
        assertThat(BenchReport.json(report)).contains("\"findings_equal\" : true");

        // The floors are the same graph: their keyed operator was handed every usage and reported record.
        assertThat(c.floor().engine()).isEqualTo("floor");
        assertThat(c.floorWithIds().engine()).isEqualTo("floor+ids");
        assertThat(c.ceiling()).isSameAs(c.floorWithIds());
        for (BenchRun floor : List.of(c.floor(), c.floorWithIds())) {
            assertThat(floor.notes()).containsEntry("records_delivered", 20_000L);
            assertThat(floor.findings()).isEmpty();
            assertThat(floor.eventsPerCpuSecond()).isPositive();
        }
        assertThat(BenchReport.text(report)).contains("floor+ids");
    }

    /**
     * Records 1 to 20 days late and late copies: Reckon's order-independent core must give the findings
     * of the baseline, which counts every record because its watermark waits 21 days.
     */
    @Test
    void theLateWorkloadHasLateRecordsAndCopiesAndTheBaselinesFindings() throws Exception {
        BenchWorkload.Options options = BenchProfile.LATE
                .options
                .withEvents(40_000)
                .withKeys(10, 2)
                .withRates(0.05, 0.05, 0.3)
                .withSeed(11);
        BenchWorkload w = new BenchWorkload(options);
        long day = Duration.ofDays(1).toMillis();
        long late = 0;
        long lateCopies = 0;
        long maxSeen = Long.MIN_VALUE;
        Map<String, Long> firstArrival = new HashMap<>();
        for (long i = 0; i < w.recordsPerInput() / options.lanes(); i++) {
            MeterEvent e = w.usage(i);
            if (e.eventTime < maxSeen - day) {
                late++;
            }
            maxSeen = Math.max(maxSeen, e.eventTime);
            Long first = firstArrival.putIfAbsent(e.id, i);
            if (first != null && i - first > w.recordsPerInput() / options.lanes() / options.days()) {
                lateCopies++;
            }
        }
        assertThat(late).as("records a day or more late").isGreaterThan(200);
        assertThat(lateCopies).as("copies a day or more after the first").isGreaterThan(200);

        Bench.Report report = Bench.run(inMemoryWithHeap("late", options, false), System.err);

        Bench.Comparison c = report.comparisons().get(0);
        assertThat(c.reckon().findings()).isNotEmpty();
        assertThat(c.differences()).isEmpty();
        assertThat(report.valid()).isTrue();
        assertThat(c.floor()).isNull();
        assertThat(BenchReport.json(report))
                .contains("\"late_rate\" : 0.05")
                .contains("\"targets\"")
                .contains("\"flink_managed_memory_bytes\" : 1073741824");
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

    /**
     * The quiet workload is the sparse one with a few records moved to quiet keys: every other record is
     * the sparse workload's own, and a quiet key gets about one record a week.
     */
    @Test
    void theQuietWorkloadIsSparsesPlusKeysWithARecordAWeek() {
        BenchWorkload quiet = new BenchWorkload(BenchProfile.QUIET.options.withEvents(400_000));
        BenchWorkload sparse = new BenchWorkload(BenchProfile.SPARSE.options.withEvents(400_000));
        assertThat(quiet.keys()).isEqualTo(5_000);
        assertThat(quiet.busyKeys()).isEqualTo(sparse.keys()).isEqualTo(500);
        Map<String, Long> perQuietKey = new HashMap<>();
        for (long i = 0; i < quiet.recordsPerInput(); i++) {
            MeterEvent u = quiet.usage(i);
            MeterEvent r = quiet.reported(i);
            assertThat(r.key()).isEqualTo(u.key());
            if (Integer.parseInt(u.accountId.substring("acct-".length())) >= 250) {
                perQuietKey.merge(u.key(), 1L, Long::sum);
            } else {
                assertThat(u).isEqualTo(sparse.usage(i));
                assertThat(r).isEqualTo(sparse.reported(i));
            }
        }
        double perKeyAndWeek =
                perQuietKey.values().stream().mapToLong(Long::longValue).sum() / 4_500.0 / (31 / 7.0);
        assertThat(perKeyAndWeek).isBetween(0.9, 1.1);
        assertThat(perQuietKey).hasSizeGreaterThan(4_400);
    }

    /** One comparison in memory with heap state, without a warm-up; with the floor if asked. */
    private Bench.Config inMemoryWithHeap(String profile, BenchWorkload.Options options, boolean floor) {
        return new Bench.Config(
                profile,
                options,
                List.of(Bench.Mode.IN_MEMORY),
                List.of(Bench.Backend.HEAP),
                true,
                floor,
                0,
                1,
                Bench.DEFAULT_MANAGED_MEMORY,
                work);
    }
}
