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
                .filter(e -> !List.of(
                                "total",
                                "hour_table_heap_layout",
                                "hourly_buckets_entry_per_hour",
                                "hourly_buckets_entry_per_day",
                                "total_heap_layout",
                                "bytes_per_dedup_id",
                                "dedup_ids_of_31_days")
                        .contains(e.getKey()))
                .mapToLong(Map.Entry::getValue)
                .sum();
        assertThat(parts.get("total")).isEqualTo(sum);
        // 744 hourly entries of 31 bytes of RocksDB key (key group, key, namespace, hour) and a
        // compact bucket of two aggregates of three records at scale 9 (at most 28 bytes; 79 as a POJO).
        assertThat(parts.get("hourly_buckets_entry_per_hour")).isLessThanOrEqualTo(744L * (31 + 28));
        // 31 daily entries instead: the RocksDB key once a day, a byte of length per hour.
        assertThat(parts.get("hourly_buckets_entry_per_day"))
                .isLessThanOrEqualTo(parts.get("hourly_buckets_entry_per_hour") - 744L * 31 + 31L * (31 + 3 + 2) + 744);
        // The heap layout holds the same hours without a key per hour: the rest of the state is shared.
        assertThat(parts.get("total_heap_layout") - parts.get("hour_table_heap_layout"))
                .isEqualTo(parts.get("total") - parts.get("hourly_buckets"));
        assertThat(parts.get("hour_table_heap_layout")).isLessThan(parts.get("hourly_buckets_entry_per_hour") / 2);
        // A month and the heap layout's table are one set of bit columns each: without the 31 days'
        // RocksDB keys, nor their headers and the headers of their columns (some 15 bytes a day at least).
        assertThat(parts.get("hour_table_heap_layout"))
                .isLessThan(parts.get("hourly_buckets_entry_per_day") - 31L * (31 + 15));
        assertThat(parts.get("hourly_buckets")).isLessThan(parts.get("hourly_buckets_entry_per_day") - 30L * (31 + 15));
        // The month is the table's hours as offsets in the month, after a RocksDB key and a layout byte.
        assertThat(Math.abs(parts.get("hourly_buckets") - parts.get("hour_table_heap_layout")))
                .isLessThanOrEqualTo(16);
        // The period at its close: 31 day totals of tenths summed exactly (3 bytes each, 8 as doubles of
        // another form), four aggregates, a few bytes per bit set and instant (946 bytes with Flink's
        // POJO serializer).
        assertThat(parts.get("period")).isLessThanOrEqualTo(31L * 3 + 150);
    }
}
