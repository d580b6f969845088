package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventTimeSorterTest {

    @TempDir
    Path tmp;

    /** A record as added: its time and its position, which the value carries as 8 bytes. */
    record Added(long time, int position) {}

    @Test
    void anInputThatFitsTheBudgetIsSortedInMemoryWithoutAFile() throws IOException {
        List<Added> input = randomInput(1_000, 50, new Random(1));
        try (EventTimeSorter sorter = new EventTimeSorter(tmp, 64L << 20)) {
            assertThat(sortedBy(sorter, input)).containsExactlyElementsOf(expected(input));
            assertThat(sorter.runsWritten()).isZero();
        }
        assertThat(filesUnder(tmp)).isEmpty();
    }

    @Test
    void anInputLargerThanTheBudgetIsSortedInRunsThenMerged() throws IOException {
        List<Added> input = randomInput(50_000, 5_000, new Random(2));
        // About 120 bytes a record: the input takes some 6 MB, the budget is 256 KiB.
        try (EventTimeSorter sorter = new EventTimeSorter(tmp, 256 << 10)) {
            assertThat(sortedBy(sorter, input)).containsExactlyElementsOf(expected(input));
            assertThat(sorter.runsWritten()).isBetween(20, 30);
            assertThat(sorter.mergePasses()).isZero();
            assertThat(sorter.size()).isEqualTo(50_000);
        }
        assertThat(filesUnder(tmp)).as("the runs are deleted").isEmpty();
    }

    @Test
    void moreRunsThanTheFanInAreMergedInPasses() throws IOException {
        List<Added> input = randomInput(20_000, 300, new Random(3));
        try (EventTimeSorter sorter = new EventTimeSorter(tmp, 16 << 10, 4)) {
            assertThat(sortedBy(sorter, input)).containsExactlyElementsOf(expected(input));
            assertThat(sorter.runsWritten()).isGreaterThan(100);
            assertThat(sorter.mergePasses()).isGreaterThan(sorter.runsWritten() / 4);
        }
        assertThat(filesUnder(tmp)).isEmpty();
    }

    @Test
    void equalTimesKeepTheOrderTheyWereAddedInAcrossRuns() throws IOException {
        List<Added> input = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            input.add(new Added(i % 3, i));
        }
        try (EventTimeSorter sorter = new EventTimeSorter(tmp, 8 << 10, 3)) {
            List<Added> out = sortedBy(sorter, input);
            assertThat(sorter.runsWritten()).isGreaterThan(10);
            assertThat(out).containsExactlyElementsOf(expected(input));
            assertThat(out.subList(0, 4))
                    .containsExactly(new Added(0, 0), new Added(0, 3), new Added(0, 6), new Added(0, 9));
        }
    }

    @Test
    void anEmptyInputAndAnInputOfOneRecord() throws IOException {
        try (EventTimeSorter sorter = new EventTimeSorter(tmp, 1 << 20)) {
            assertThat(sortedBy(sorter, List.of())).isEmpty();
        }
        try (EventTimeSorter sorter = new EventTimeSorter(tmp, 1 << 20)) {
            assertThat(sortedBy(sorter, List.of(new Added(42, 0)))).containsExactly(new Added(42, 0));
        }
        // One record larger than the whole budget is a run of its own.
        try (EventTimeSorter sorter = new EventTimeSorter(tmp, 100)) {
            sorter.add(2, sorter.size(), new byte[] {1}, new byte[1000]);
            sorter.add(1, sorter.size(), new byte[] {2}, new byte[1000]);
            try (EventTimeSorter.Sorted sorted = sorter.sorted()) {
                assertThat(sorted.next().key()).containsExactly(2);
                assertThat(sorted.next().key()).containsExactly(1);
                assertThat(sorted.hasNext()).isFalse();
            }
            assertThat(sorter.runsWritten()).isEqualTo(2);
        }
        assertThat(filesUnder(tmp)).isEmpty();
    }

    @Test
    void keysValuesAndNegativeTimesSurviveTheRunFiles() throws IOException {
        try (EventTimeSorter sorter = new EventTimeSorter(tmp, 200, 2)) {
            sorter.add(Long.MAX_VALUE, sorter.size(), "k-max".getBytes(), new byte[0]);
            sorter.add(Long.MIN_VALUE, sorter.size(), new byte[0], "v-min".getBytes());
            sorter.add(0, sorter.size(), "k0".getBytes(), new byte[] {(byte) 0xFF, 0, 7});
            try (EventTimeSorter.Sorted sorted = sorter.sorted()) {
                EventTimeSorter.Entry a = sorted.next();
                EventTimeSorter.Entry b = sorted.next();
                EventTimeSorter.Entry c = sorted.next();
                assertThat(a.eventTime()).isEqualTo(Long.MIN_VALUE);
                assertThat(new String(a.value())).isEqualTo("v-min");
                assertThat(a.key()).isEmpty();
                assertThat(b.value()).containsExactly((byte) 0xFF, 0, 7);
                assertThat(new String(c.key())).isEqualTo("k-max");
            }
        }
    }

    @Test
    void recordsCannotBeAddedOnceTheOutputWasAskedFor() throws IOException {
        try (EventTimeSorter sorter = new EventTimeSorter(tmp, 1 << 20)) {
            sorter.sorted().close();
            assertThatThrownBy(() -> sorter.add(1, sorter.size(), new byte[0], new byte[0]))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(sorter::sorted).isInstanceOf(IllegalStateException.class);
        }
    }

    /** Whatever the times, budget and fan-in: the output is the stable sort of the input. */
    @Property(tries = 40)
    void theOutputIsTheStableSortOfTheInput(
            @ForAll @Size(max = 2000) List<@LongRange(min = -50, max = 50) Long> times,
            @ForAll @IntRange(min = 2_000, max = 50_000) int budget,
            @ForAll @IntRange(min = 2, max = 8) int fanIn)
            throws IOException {
        List<Added> input = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            input.add(new Added(times.get(i), i));
        }
        // jqwik does not inject JUnit's @TempDir.
        Path dir = Files.createTempDirectory("event-time-sorter-");
        try (EventTimeSorter sorter = new EventTimeSorter(dir, budget, fanIn)) {
            assertThat(sortedBy(sorter, input)).containsExactlyElementsOf(expected(input));
        }
        assertThat(filesUnder(dir)).isEmpty();
        Files.delete(dir);
    }

    private static List<Added> sortedBy(EventTimeSorter sorter, List<Added> input) throws IOException {
        for (Added a : input) {
            sorter.add(a.time(), sorter.size(), ("acct_" + (a.position() % 7)).getBytes(), position(a.position()));
        }
        List<Added> out = new ArrayList<>();
        try (EventTimeSorter.Sorted sorted = sorter.sorted()) {
            while (sorted.hasNext()) {
                EventTimeSorter.Entry e = sorted.next();
                int position = ByteBuffer.wrap(e.value()).getInt();
                assertThat(new String(e.key())).isEqualTo("acct_" + (position % 7));
                out.add(new Added(e.eventTime(), position));
            }
        }
        return out;
    }

    private static byte[] position(int position) {
        return ByteBuffer.allocate(8).putInt(position).putInt(~position).array();
    }

    /** The expected order: by time, ties in the order added (List.sort is stable). */
    private static List<Added> expected(List<Added> input) {
        List<Added> e = new ArrayList<>(input);
        e.sort(Comparator.comparingLong(Added::time));
        return e;
    }

    private static List<Added> randomInput(int n, int distinctTimes, Random random) {
        List<Added> input = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            input.add(new Added(1_700_000_000_000L + random.nextInt(distinctTimes) * 1000L, i));
        }
        return input;
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
