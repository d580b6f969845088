package io.reckon.bench;

import io.reckon.jobs.reconcile.AggSerializer;
import io.reckon.jobs.reconcile.AnomalyState;
import io.reckon.jobs.reconcile.HourBucket;
import io.reckon.jobs.reconcile.HourDaySerializer;
import io.reckon.jobs.reconcile.HourMonthSerializer;
import io.reckon.jobs.reconcile.HourTableSerializer;
import io.reckon.jobs.reconcile.IdCopies;
import io.reckon.jobs.reconcile.PeriodState;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.pricing.Aggregation;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * State bytes of one (account, meter) key at the close of a 31-day period, measured by serializing
 * the reconcile operator's state with the serializers Flink itself uses for it (the same type
 * information as the state descriptors: POJO serializers and the compact serializers of the hourly aggregates, no Kryo) in the layout of the RocksDB
 * backend: every entry carries the key-group prefix, the serialized key and the namespace, map
 * entries also their user key. Dedup ids are left out (their cost is per id, not per key: the spec
 * asks for it separately).
 *
 * <p>The key is the worst case the benchmark's workload produces: usage and reports in every hour of
 * the period (744 hourly buckets of three records a side), reports that miss half of every fourth
 * record (an under-reporting key, so most hours' reports differ from their usage), the period as it
 * is at its close (aggregates, a bit per hour for usage, reports and verdicts, the forecast's total of
 * each day), one open anomaly, the anchor, first-seen and period-index values and three timers
 * (next tick, metering final, billing final). The quantities are the workload's own ({@link
 * BenchWorkload}: tenths from 0.1 to 100.0), at the scale 9 of the Avro contract, as records decoded
 * from Kafka carry them.
 *
 * <p>Two layouts of the hours: {@code total} has them as RocksDB keeps them once their days have
 * settled (one entry for the calendar month, {@code HourMonthSerializer}), {@code total_heap_layout} as
 * a checkpoint of heap state holds them (one table per key, {@code HourTableSerializer}). {@code
 * hourly_buckets_entry_per_day} is what they take as entries per UTC day, as RocksDB keeps a day until
 * it settles (and kept every day before the months), {@code hourly_buckets_entry_per_hour} what
 * RocksDB's first layout, an entry per hour, took.
 */
final class StateFootprint {

    private static final int HOURS = 31 * 24;
    /** Key-group prefix of a RocksDB key (two bytes above 128 key groups), plus the void namespace. */
    private static final int KEY_GROUP_BYTES = 2;

    private static final int NAMESPACE_BYTES = 1;

    private static final int RECORDS_PER_HOUR = 3;
    /** The scale of quantities in the Avro contract. */
    private static final int AVRO_SCALE = 9;

    private StateFootprint() {}

    /** Bytes per part of the state, and their total under "total". */
    static Map<String, Long> perKey() throws IOException {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<String> keys = Types.STRING.createSerializer(config);
        TypeSerializer<Long> longs = Types.LONG.createSerializer(config);
        TypeSerializer<Integer> ints = Types.INT.createSerializer(config);
        TypeSerializer<HourBucket> buckets =
                TypeInformation.of(HourBucket.class).createSerializer(config);
        TypeSerializer<PeriodState> periods =
                TypeInformation.of(PeriodState.class).createSerializer(config);
        TypeSerializer<AnomalyState> anomalies =
                TypeInformation.of(AnomalyState.class).createSerializer(config);

        String key = MeterEvent.keyOf("acct-1234", "api_calls");
        long prefix = KEY_GROUP_BYTES + size(keys, key) + NAMESPACE_BYTES;

        BenchWorkload workload = new BenchWorkload(BenchWorkload.Options.defaults()
                .withEvents(2L * HOURS * RECORDS_PER_HOUR)
                .withRates(0, 0, 1));
        long[] starts = new long[HOURS];
        HourBucket[] byHour = new HourBucket[HOURS];
        PeriodState p = PeriodState.of(0L, Duration.ofDays(31).toMillis());
        long perHourEntries = 0;
        for (int h = 0; h < HOURS; h++) {
            HourBucket b = new HourBucket();
            for (int r = 0; r < RECORDS_PER_HOUR; r++) {
                long index = (long) h * RECORDS_PER_HOUR + r;
                b.usage.add(workload.usage(index).quantity.setScale(AVRO_SCALE));
                b.reported.add(workload.reported(index).quantity.setScale(AVRO_SCALE));
            }
            starts[h] = h * Duration.ofHours(1).toMillis();
            byHour[h] = b;
            perHourEntries += prefix + size(longs, starts[h]) + size(buckets, b);
            p.usage.merge(b.usage);
            p.reported.merge(b.reported);
            p.markHour(starts[h], true, true);
            p.markHour(starts[h], false, true);
        }
        closed(p, byHour);
        DataOutputSerializer table = new DataOutputSerializer(64);
        HourTableSerializer.write(starts, byHour, table);
        long hourTable = prefix + table.length();
        // RocksDB's layout before the months: an entry per UTC day of the key's hours (the period starts
        // at midnight), as a day is kept until it settles.
        long perDay = 0;
        for (int d = 0; d < HOURS / 24; d++) {
            DataOutputSerializer day = new DataOutputSerializer(64);
            HourDaySerializer.write(
                    Arrays.copyOfRange(starts, d * 24, d * 24 + 24),
                    Arrays.copyOfRange(byHour, d * 24, d * 24 + 24),
                    day);
            perDay += prefix + size(longs, starts[d * 24]) + day.length();
        }
        // RocksDB's layout once the days have settled: one entry for the UTC calendar month (the period
        // is January 1970).
        DataOutputSerializer month = new DataOutputSerializer(64);
        HourMonthSerializer.write(0L, starts, byHour, month);
        long hours = prefix + size(longs, 0L) + month.length();

        p.maturedUsage = AggSerializer.INSTANCE.copy(p.usage);
        p.reportedSoFar = AggSerializer.INSTANCE.copy(p.reported);
        long period = prefix + size(longs, p.start) + size(periods, p);

        AnomalyState a = new AnomalyState();
        a.revision = 12;
        a.status = "updated";
        a.actualQuantity = p.usage.sum;
        a.reportedQuantity = p.reported.sum;
        a.expectedAmountMinor = 418_000;
        a.pricedReportedAmountMinor = 372_000;
        a.amountMinor = 46_000;
        a.currency = "usd";
        a.signalEnd = p.end;
        long anomaly = prefix + size(keys, "UNDER_REPORTED_USAGE|0") + size(anomalies, a);

        // The anchor day, the first-seen time and the index of period starts (one period).
        TypeSerializer<long[]> index = PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO.createSerializer(config);
        long values = 3 * prefix + size(ints, 1) + size(longs, 0L) + size(index, new long[] {p.start});
        // A timer is its key group, key, namespace and timestamp.
        long timers = 3 * (prefix + 8);

        // Deduplication: one entry per usage event_id and report_id, kept as long as a copy could still
        // arrive for a retained period. Counted apart from the total, per id and per 31 days of records.
        TypeSerializer<IdCopies> copies = TypeInformation.of(IdCopies.class).createSerializer(config);
        long perId = prefix + size(keys, "evt-000123456") + size(copies, IdCopies.of(0L, quantity(37_400_000_000L)));

        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("hourly_buckets", hours);
        parts.put("period", period);
        parts.put("anomaly", anomaly);
        parts.put("values", values);
        parts.put("timers", timers);
        parts.put("total", hours + period + anomaly + values + timers);
        parts.put("hour_table_heap_layout", hourTable);
        parts.put("hourly_buckets_entry_per_hour", perHourEntries);
        parts.put("hourly_buckets_entry_per_day", perDay);
        parts.put("total_heap_layout", hourTable + period + anomaly + values + timers);
        parts.put("bytes_per_dedup_id", perId);
        parts.put("dedup_ids_of_31_days", 2L * HOURS * RECORDS_PER_HOUR * perId);
        return parts;
    }

    /**
     * What the period holds at its close besides its aggregates: every hour matured, reported and
     * judged, final, and the forecast's total of each day (summed as the forecast sums them).
     */
    private static void closed(PeriodState p, HourBucket[] byHour) {
        p.maturedBefore = p.end;
        p.reportedBefore = p.end;
        p.judgedBefore = p.end;
        p.finalized = true;
        p.billingFinal = true;
        p.dayTotals = new double[HOURS / 24];
        p.dayTotalsAggregation = Aggregation.SUM.ordinal();
        for (int d = 0; d < p.dayTotals.length; d++) {
            BigDecimal total = BigDecimal.ZERO;
            for (int h = d * 24; h < d * 24 + 24; h++) {
                total = total.add(byHour[h].usage.sum);
            }
            p.dayTotals[d] = total.doubleValue(); // as the forecast sums a day: exactly, then to a double
        }
        p.daysKnown = p.dayTotals.length;
    }

    private static BigDecimal quantity(long unscaled) {
        return BigDecimal.valueOf(unscaled, 9);
    }

    private static <T> long size(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return out.length();
    }
}
