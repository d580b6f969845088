package io.reckon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-key state measure adds up, and the hourly buckets stay within their compact budget. */
class StateFootprintTest {

    @Test
    void partsAddUpToTheTotalAndHourlyBucketsStayCompact() throws Exception {
        Map<String, Long> parts = StateFootprint.perKey();
        System.err.println("state bytes per key: " + parts);

        long sum = parts.entrySet().stream()
                // The total is the state without dedup ids, which are measured on their own.
                .filter(e -> !List.of("total", "bytes_per_dedup_id", "dedup_ids_of_31_days")
                        .contains(e.getKey()))
                .mapToLong(Map.Entry::getValue)
                .sum();
        assertThat(parts.get("total")).isEqualTo(sum);
        // 744 hourly entries of 31 bytes of RocksDB key (key group, key, namespace, hour) and a
        // compact bucket of two aggregates of three records at scale 9 (28 bytes; 79 as a POJO).
        assertThat(parts.get("hourly_buckets")).isLessThanOrEqualTo(744L * (31 + 28));
    }
}
