package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CorroboratedTimeTest {

    @Test
    void oneRecordFromTheFutureMovesNothing() {
        CorroboratedTime t = new CorroboratedTime(3);
        t.add("a", 100);
        t.add("b", 110);
        t.add("c", 120);
        assertThat(t.time()).isEqualTo(100);

        t.add("future", 1_000_000);
        assertThat(t.time())
                .as("the future record is one of three; the third largest is 110")
                .isEqualTo(110);
        t.add("future-2", 2_000_000);
        assertThat(t.time()).isEqualTo(120);
    }

    @Test
    void copiesOfOneIdCorroborateNothing() {
        CorroboratedTime t = new CorroboratedTime(3);
        t.add("a", 100);
        t.add("b", 110);
        t.add("c", 120);
        for (int i = 0; i < 10; i++) {
            t.add("future", 1_000_000);
        }
        assertThat(t.time()).isEqualTo(110);
    }

    @Test
    void nothingBeforeKRecords() {
        CorroboratedTime t = new CorroboratedTime(3);
        t.add("a", 100);
        t.add("b", 110);
        assertThat(t.time()).isEqualTo(CorroboratedTime.NONE);
        t.add("b", 500);
        assertThat(t.time()).as("a later copy of b is still b").isEqualTo(CorroboratedTime.NONE);
    }

    @Test
    void kOfOneIsTheLargest() {
        CorroboratedTime t = new CorroboratedTime(1);
        t.add("a", 100);
        t.add("b", 90);
        assertThat(t.time()).isEqualTo(100);
        t.add("c", 1_000);
        assertThat(t.time()).isEqualTo(1_000);
    }

    /** The answer is the k-th largest of the per-id maxima, whatever the order of the records. */
    @Property(tries = 300)
    void isTheKthLargestOfThePerIdMaxima(
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 15) Integer> ids,
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 1_000) Integer> times,
            @ForAll @IntRange(min = 1, max = 5) int k) {
        CorroboratedTime t = new CorroboratedTime(k);
        Map<String, Long> max = new HashMap<>();
        int n = Math.min(ids.size(), times.size());
        for (int i = 0; i < n; i++) {
            String id = "id-" + ids.get(i);
            long time = times.get(i);
            t.add(id, time);
            max.merge(id, time, Math::max);
        }
        List<Long> sorted = new ArrayList<>(max.values());
        Collections.sort(sorted, Collections.reverseOrder());
        long expected = sorted.size() >= k ? sorted.get(k - 1) : CorroboratedTime.NONE;
        assertThat(t.time()).isEqualTo(expected);
    }
}
