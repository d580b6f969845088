package io.reckon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RepeatsTest {

    @Property(tries = 200)
    void theMedianRunIsTheMiddleOneInAnyOrderAndNeverTheFasterOfTwo(
            @ForAll @Size(min = 1, max = 9) List<@IntRange(min = 1, max = 1_000_000) Integer> cpuMillis,
            @ForAll long seed) {
        List<BenchRun> runs = new ArrayList<>();
        for (int ms : cpuMillis) {
            runs.add(run("reckon", ms, List.of()));
        }
        Collections.shuffle(runs, new java.util.Random(seed));

        BenchRun median = Repeats.median(runs);

        long slower = runs.stream()
                .filter(r -> r.eventsPerCpuSecond() < median.eventsPerCpuSecond())
                .count();
        long faster = runs.stream()
                .filter(r -> r.eventsPerCpuSecond() > median.eventsPerCpuSecond())
                .count();
        assertThat(runs).contains(median);
        // At most half the other runs on each side; with an even count the extra one is faster.
        assertThat(slower).isLessThanOrEqualTo((runs.size() - 1) / 2);
        assertThat(faster).isLessThanOrEqualTo(runs.size() / 2);
    }

    @Test
    void ofTwoRunsTheSlowerStands() {
        BenchRun slow = run("reckon", 2_000, List.of());
        BenchRun fast = run("reckon", 1_000, List.of());

        assertThat(Repeats.median(List.of(fast, slow))).isSameAs(slow);
        assertThat(Repeats.median(List.of(slow, fast))).isSameAs(slow);
    }

    @Test
    void eachRunsFiguresAreListedInTheOrderTheyRan() {
        // 1,000,000 events in 2 and in 1 CPU-seconds, of which 0.1 in the JIT compilers.
        List<BenchRun> runs = List.of(run("reckon", 2_000, List.of()), run("reckon", 1_000, List.of()));

        assertThat(Repeats.eventsPerCpuSecond(runs)).containsExactly(500_000L, 1_000_000L);
        assertThat(Repeats.eventsPerCpuSecondWithoutJit(runs)).containsExactly(526_316L, 1_111_111L);
    }

    @Test
    void noRunsHaveNoMedian() {
        assertThatThrownBy(() -> Repeats.median(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runsThatFindTheSameAgree() {
        List<BenchFinding> found = List.of(finding("acct_1", "120"));

        assertThat(Repeats.disagreements(
                        List.of(run("reckon", 1_000, found), run("reckon", 1_100, found), run("reckon", 900, found))))
                .isEmpty();
    }

    @Test
    void aRunThatFindsOtherFiguresIsNamed() {
        List<BenchFinding> first = List.of(finding("acct_1", "120"));
        List<BenchFinding> third = List.of(finding("acct_1", "121"));

        List<String> d = Repeats.disagreements(List.of(
                run("flink-sql", 1_000, first), run("flink-sql", 1_000, first), run("flink-sql", 1_000, third)));

        assertThat(d).hasSize(2);
        assertThat(d).allMatch(s -> s.startsWith("flink-sql run 3: only run "));
        assertThat(d).anyMatch(s -> s.contains("only run 1: ") && s.contains("120"));
        assertThat(d).anyMatch(s -> s.contains("only run 3: ") && s.contains("121"));
    }

    @Test
    void aVoidRepeatIsAVoidReport() {
        List<BenchFinding> found = List.of(finding("acct_1", "120"));
        BenchRun a = run("reckon", 1_000, found);
        BenchRun b = run("reckon", 1_000, List.of(finding("acct_2", "120")));
        List<BenchRun> runs = List.of(a, b);
        Bench.Comparison c = new Bench.Comparison(
                "in-memory", "hashmap", a, null, Repeats.disagreements(runs), null, null, runs, List.of());

        Bench.Report r = new Bench.Report(
                "sparse", BenchWorkload.Options.defaults(), 10_000, 2, Map.of(), 0, Map.of(), List.of(c));

        assertThat(r.valid()).isFalse();
        assertThat(BenchReport.verdict(r)).isEqualTo("VOID: Reckon's runs disagree with each other.\n");
    }

    @Test
    void withoutABaselineTheVerdictSaysNothingWasCompared() {
        List<BenchFinding> found = List.of(finding("acct_1", "120"));
        BenchRun a = run("reckon", 1_000, found);
        BenchRun b = run("reckon", 1_000, found);
        List<BenchRun> runs = List.of(a, b);
        Bench.Comparison c = new Bench.Comparison(
                "in-memory", "hashmap", a, null, Repeats.disagreements(runs), null, null, runs, List.of());

        Bench.Report r = new Bench.Report(
                "sparse", BenchWorkload.Options.defaults(), 10_000, 2, Map.of(), 0, Map.of(), List.of(c));

        assertThat(r.valid()).isTrue();
        assertThat(BenchReport.verdict(r))
                .isEqualTo("No baseline run, nothing compared; Reckon's runs agree with each other.\n");
    }

    private static BenchRun run(String engine, int cpuMillis, List<BenchFinding> findings) {
        return new BenchRun(
                engine,
                "in-memory",
                "hashmap",
                2,
                1_000_000,
                1.0,
                cpuMillis / 1000.0,
                0.1,
                null,
                null,
                0,
                null,
                0,
                0,
                findings,
                Map.of());
    }

    private static BenchFinding finding(String account, String actual) {
        return new BenchFinding(
                account,
                "api_calls",
                Instant.parse("2026-03-01T00:00:00Z").toEpochMilli(),
                new BigDecimal(actual),
                BigDecimal.TEN,
                5);
    }
}
