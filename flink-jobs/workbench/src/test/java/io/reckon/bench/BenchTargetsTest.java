package io.reckon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The targets beside what a report measured, and each throughput target's ceiling from the floor. */
class BenchTargetsTest {

    @Test
    void aThroughputTargetAboveTheFloorIsOutOfReach() {
        Bench.Report report = dense(
                comparison("in-memory", "hashmap", 160_000, 50_000, 660_000L),
                comparison("kafka-avro", "rocksdb", 87_000, 30_000, 320_000L));

        BenchTargets.Target heap = target(report, "events per CPU-second, in-memory, hashmap");
        assertThat(heap.met()).isFalse();
        assertThat(heap.ceiling()).isEqualTo(660_000L);
        assertThat(heap.withinCeiling()).isFalse();

        BenchTargets.Target kafka = target(report, "events per CPU-second, kafka-avro, rocksdb");
        assertThat(kafka.met()).isFalse();
        assertThat(kafka.ceiling()).isEqualTo(320_000L);
        assertThat(kafka.withinCeiling()).isTrue();

        // The ratio can reach at most the floor's events per CPU-second over the baseline's.
        BenchTargets.Target ratio = target(report, "ratio to the SQL baseline, in-memory, hashmap");
        assertThat(ratio.measured()).isEqualTo(3.2);
        assertThat(ratio.met()).isTrue();
        assertThat(ratio.ceiling()).isEqualTo(13.2);
        assertThat(ratio.withinCeiling()).isTrue();

        assertThat(BenchReport.text(report)).contains("660,000").contains("NOT MET, above the ceiling");
    }

    @Test
    void withoutTheFloorNoTargetHasACeiling() {
        Bench.Report report = dense(comparison("in-memory", "hashmap", 160_000, 50_000, null));

        for (BenchTargets.Target t : BenchTargets.of(report)) {
            assertThat(t.ceiling()).as(t.name()).isNull();
            assertThat(t.withinCeiling()).as(t.name()).isNull();
        }
        assertThat(BenchReport.text(report)).doesNotContain("above the ceiling");
    }

    @Test
    void theRatioTargetIsOutOfReachWhenTheFloorIsLessThanThreeTimesTheBaseline() {
        Bench.Report report = dense(comparison("in-memory", "hashmap", 90_000, 60_000, 150_000L));

        BenchTargets.Target ratio = target(report, "ratio to the SQL baseline, in-memory, hashmap");
        assertThat(ratio.ceiling()).isEqualTo(2.5);
        assertThat(ratio.withinCeiling()).isFalse();
    }

    @Test
    void aReportOfSingleRunsWithHeapStateSaysHowToAmortizeTheJit() {
        assertThat(BenchReport.text(dense(comparison("in-memory", "hashmap", 160_000, 50_000, null))))
                .contains(BenchReport.SINGLE_HEAP_RUN);
        assertThat(BenchReport.text(dense(comparison("kafka-avro", "rocksdb", 87_000, 30_000, null))))
                .doesNotContain(BenchReport.SINGLE_HEAP_RUN);
        Bench.Comparison once = comparison("in-memory", "hashmap", 160_000, 50_000, null);
        Bench.Comparison twice = new Bench.Comparison(
                once.mode(),
                once.stateBackend(),
                once.reckon(),
                once.baseline(),
                once.differences(),
                null,
                null,
                List.of(once.reckon(), once.reckon()),
                List.of(once.baseline(), once.baseline()));
        assertThat(BenchReport.text(dense(twice)))
                .doesNotContain(BenchReport.SINGLE_HEAP_RUN)
                .contains("Each engine ran 2 times");
    }

    private static BenchTargets.Target target(Bench.Report report, String name) {
        return BenchTargets.of(report).stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static Bench.Report dense(Bench.Comparison... comparisons) {
        return new Bench.Report(
                "dense",
                BenchProfile.DENSE.options,
                10_000_000,
                200,
                Map.of(),
                Bench.DEFAULT_MANAGED_MEMORY.getBytes(),
                Map.of("total", 44_929L),
                List.of(comparisons));
    }

    /**
     * Runs of 10,000,000 events with the given events per CPU-second; {@code floor} is the floor that
     * keeps the ids, the plain floor runs half as much again. No floors when {@code floor} is null.
     */
    private static Bench.Comparison comparison(String mode, String backend, long reckon, long baseline, Long floor) {
        BenchRun r = run("reckon", mode, backend, reckon);
        BenchRun b = run("flink-sql", mode, backend, baseline);
        return new Bench.Comparison(
                mode,
                backend,
                r,
                b,
                List.of(),
                floor == null ? null : run("floor", mode, backend, floor * 3 / 2),
                floor == null ? null : run("floor+ids", mode, backend, floor),
                List.of(r),
                List.of(b));
    }

    private static BenchRun run(String engine, String mode, String backend, long eventsPerCpuSecond) {
        long events = 10_000_000;
        double cpu = (double) events / eventsPerCpuSecond;
        return new BenchRun(
                engine, mode, backend, 2, events, cpu / 2, cpu, 0, null, null, 0, null, 1, 1, List.of(), Map.of());
    }
}
