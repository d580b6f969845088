package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.MeterEvent;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;

/**
 * Every keyed state of the reconcile operator, in one place. The descriptor names are the savepoint
 * contract: a state restores by its name and its serializer, so a name is never reused for another
 * type. The first layout's names are kept where the state kept its meaning; the states of the first
 * layout that the current one no longer writes are still declared ({@code legacy*}), read once per
 * key and cleared (see docs/operations.md, "Upgrading").
 */
final class ReconState {

    static final String HOURS = "hours";
    static final String HOUR_TABLE = "hour-table";
    static final String HOUR_DAYS = "hour-days";
    static final String HOUR_MONTHS = "hour-months";
    static final String PERIODS = "periods";
    static final String PERIOD_STARTS = "period-starts";
    static final String ANOMALIES = "anomalies";
    static final String INVOICE_LINES = "invoice-lines";
    static final String ANCHOR_DAY = "anchor-day";
    static final String PERIOD_CUT = "period-cut";
    static final String FIRST_SEEN = "first-seen";
    static final String USAGE_COPIES = "usage-copies";
    static final String REPORT_COPIES = "report-copies";
    static final String USAGE_ID_TABLE = "usage-id-table";
    static final String REPORT_ID_TABLE = "report-id-table";
    static final String SUMMARIES = "report-summaries";
    static final String RETIRED_HOURS = "retired-hours";
    static final String HELD_LINES = "held-lines";

    /**
     * Usage and reported records per UTC hour (epoch millis of the hour start), in the layout of the
     * state backend ({@link HourStore}): an entry per day in {@link #HOUR_DAYS} and per month of settled
     * days in {@link #HOUR_MONTHS}, or one table per key
     * in {@link #HOUR_TABLE}.
     */
    final HourStore hours;
    /**
     * The hourly buckets in the layouts not in use: the other backend's, and an entry per hour in
     * {@link #HOURS} (RocksDB's until the days); empty but for a key restored from a savepoint of them.
     */
    final List<HourStore> hoursOtherLayouts;
    /** The key's billing periods by start. */
    final MapState<Long, PeriodState> periods;
    /** The keys of {@link #periods}, ascending: a timer reads its periods with point lookups. */
    final ValueState<long[]> periodStarts;
    /** What was last emitted per anomaly, by {@link AnomalyKey#encoded()}. */
    final MapState<String, AnomalyState> anomalies;
    /** Invoice lines by line_id. */
    final MapState<String, InvoiceLineState> lines;
    /** The cut the key's periods were made with: {@link #ANCHOR_DAY} or {@link #PERIOD_CUT}. */
    final KeyCut cut;
    /** Earliest event time of the key's usage: before it, history is unknown, not zero. */
    final ValueState<Long> firstSeen;
    /** Deduplication: the copies of each usage event_id, an entry each (the layout for RocksDB). */
    final MapState<String, IdCopies> usageCopies;
    /** Deduplication: the copies of each report_id of kind event, an entry each. */
    final MapState<String, IdCopies> reportCopies;
    /** Deduplication: the copies of every usage event_id in one table (the layout for heap state). */
    final ValueState<IdTable> usageIdTable;
    /** Deduplication: the copies of every report_id of kind event in one table. */
    final ValueState<IdTable> reportIdTable;
    /** The record that counts of each report_id of kind summary. */
    final MapState<String, SummaryState> summaries;
    /**
     * Hourly buckets of released periods that later periods' spike baselines still read: pairs of
     * (start, end) hour ranges and the time they go, flattened.
     */
    final ValueState<long[]> retiredHours;
    /** Invoice line records that came before the first watermark, in arrival order ({@link HeldLines}). */
    final ListState<MeterEvent> heldLines;

    /** First layout: the event time of the copy that counted, per usage event_id. */
    final MapState<String, Long> legacyUsageIds;
    /** First layout: the same per report_id. */
    final MapState<String, Long> legacyReportIds;
    /** First layout: the start of the open reporting gap; the gap is now derived from the hours. */
    final ValueState<Long> legacyOpenGap;
    /** First layout: the spike or drop run going on; now derived from the hour verdicts. */
    final ValueState<SignalEpisode> legacyEpisode;

    /** @param tables whether a key's hours are kept in one table (heap state) */
    ReconState(RuntimeContext rc, boolean tables) {
        HourStore perEntry = new EntryHourStore(
                rc.getMapState(new MapStateDescriptor<>(HOURS, Types.LONG, TypeInformation.of(HourBucket.class))));
        HourStore perKey =
                new TableHourStore(rc.getState(new ValueStateDescriptor<>(HOUR_TABLE, HourTableSerializer.INSTANCE)));
        HourStore perDay = new DayHourStore(
                rc.getMapState(
                        new MapStateDescriptor<>(HOUR_DAYS, LongSerializer.INSTANCE, HourDaySerializer.INSTANCE)),
                rc.getMapState(
                        new MapStateDescriptor<>(HOUR_MONTHS, LongSerializer.INSTANCE, HourMonthSerializer.INSTANCE)));
        hours = tables ? perKey : perDay;
        hoursOtherLayouts = List.of(tables ? perDay : perKey, perEntry);
        periods = rc.getMapState(new MapStateDescriptor<>(PERIODS, Types.LONG, TypeInformation.of(PeriodState.class)));
        periodStarts = rc.getState(
                new ValueStateDescriptor<>(PERIOD_STARTS, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        anomalies = rc.getMapState(
                new MapStateDescriptor<>(ANOMALIES, Types.STRING, TypeInformation.of(AnomalyState.class)));
        lines = rc.getMapState(
                new MapStateDescriptor<>(INVOICE_LINES, Types.STRING, TypeInformation.of(InvoiceLineState.class)));
        cut = new KeyCut(
                rc.getState(new ValueStateDescriptor<>(ANCHOR_DAY, Types.INT)),
                rc.getState(
                        new ValueStateDescriptor<>(PERIOD_CUT, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO)));
        firstSeen = rc.getState(new ValueStateDescriptor<>(FIRST_SEEN, Types.LONG));
        usageCopies = rc.getMapState(
                new MapStateDescriptor<>(USAGE_COPIES, Types.STRING, TypeInformation.of(IdCopies.class)));
        reportCopies = rc.getMapState(
                new MapStateDescriptor<>(REPORT_COPIES, Types.STRING, TypeInformation.of(IdCopies.class)));
        usageIdTable = rc.getState(new ValueStateDescriptor<>(USAGE_ID_TABLE, IdTableSerializer.INSTANCE));
        reportIdTable = rc.getState(new ValueStateDescriptor<>(REPORT_ID_TABLE, IdTableSerializer.INSTANCE));
        summaries = rc.getMapState(
                new MapStateDescriptor<>(SUMMARIES, Types.STRING, TypeInformation.of(SummaryState.class)));
        retiredHours = rc.getState(
                new ValueStateDescriptor<>(RETIRED_HOURS, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        heldLines = rc.getListState(new ListStateDescriptor<>(HELD_LINES, TypeInformation.of(MeterEvent.class)));
        legacyUsageIds = rc.getMapState(new MapStateDescriptor<>("usage-ids", Types.STRING, Types.LONG));
        legacyReportIds = rc.getMapState(new MapStateDescriptor<>("report-ids", Types.STRING, Types.LONG));
        legacyOpenGap = rc.getState(new ValueStateDescriptor<>("open-reporting-gap", Types.LONG));
        legacyEpisode =
                rc.getState(new ValueStateDescriptor<>("signal-episode", TypeInformation.of(SignalEpisode.class)));
    }
}
