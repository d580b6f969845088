package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Compact serializer of a {@link PeriodState}: a layout byte, a byte of flags, the period's start and
 * every other instant as its distance from the start, the counters as varints, the aggregates in
 * {@link AggSerializer}'s form and the arrays in {@link CompactArrays}'. It replaces Flink's POJO
 * serializer, which spent 946 bytes on a closed period of the benchmark's worst key: a null flag per
 * field, 8 bytes per instant and counter, and 100 bytes for each of the five bit sets of hours, most of
 * them one run (every hour holds usage) or empty (no spike). The transient forecast rhythm is not
 * written, as the POJO serializer did not write it.
 *
 * <p>Hand-written because Flink has no compact serializer for such a class. State written by the POJO
 * serializer migrates ({@link CompactSerializerSnapshot}).
 */
public final class PeriodStateSerializer extends TypeSerializerSingleton<PeriodState> {

    private static final long serialVersionUID = 1L;

    public static final PeriodStateSerializer INSTANCE = new PeriodStateSerializer();

    /** The first byte of every period: the layout below, so that a later one can be read beside it. */
    static final int LAYOUT = 1;

    private static final int FINALIZED = 1;
    private static final int BILLING_FINAL = 1 << 1;
    private static final int PRICING_FAILED = 1 << 2;
    private static final int REEVALUATE = 1 << 3;
    /** {@link PeriodState#changedFrom} is {@link Long#MAX_VALUE} (nothing changed) and not written. */
    private static final int UNCHANGED = 1 << 4;
    /**
     * The unmapped records are written as two counts, usage and reported; without it (a period written
     * before they were split) as one, their sum.
     */
    private static final int SPLIT_UNMAPPED = 1 << 5;
    /** {@link PeriodState#unmappedRow}. */
    private static final int UNMAPPED_ROW = 1 << 6;
    /** {@link PeriodState#unmappedLines} is not zero and follows the other unmapped counts. */
    private static final int UNMAPPED_LINES = 1 << 7;

    private static final int KNOWN_FLAGS = (1 << 8) - 1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public PeriodState createInstance() {
        return new PeriodState();
    }

    @Override
    public PeriodState copy(PeriodState from) {
        return from == null ? null : copyInto(from, new PeriodState());
    }

    @Override
    public PeriodState copy(PeriodState from, PeriodState reuse) {
        return from == null ? null : copyInto(from, reuse == null ? new PeriodState() : reuse);
    }

    /** A copy sharing nothing mutable with {@code from} (its forecast rhythm is left out, as on writing). */
    private static PeriodState copyInto(PeriodState from, PeriodState to) {
        to.start = from.start;
        to.end = from.end;
        to.usage = AggSerializer.INSTANCE.copy(from.usage);
        to.maturedUsage = AggSerializer.INSTANCE.copy(from.maturedUsage);
        to.reported = AggSerializer.INSTANCE.copy(from.reported);
        to.reportedSoFar = AggSerializer.INSTANCE.copy(from.reportedSoFar);
        to.maturedBefore = from.maturedBefore;
        to.reportedBefore = from.reportedBefore;
        to.finalized = from.finalized;
        to.billingFinal = from.billingFinal;
        to.lateRecords = from.lateRecords;
        to.pricingFailed = from.pricingFailed;
        to.unmappedUsage = from.unmappedUsage;
        to.unmappedReported = from.unmappedReported;
        to.unmappedLines = from.unmappedLines;
        to.unmappedRow = from.unmappedRow;
        to.periodAnomalies = from.periodAnomalies;
        to.usageHours = clone(from.usageHours);
        to.reportHours = clone(from.reportHours);
        to.spikeHours = clone(from.spikeHours);
        to.dropHours = clone(from.dropHours);
        to.rejudgeHours = clone(from.rejudgeHours);
        to.judgedBefore = from.judgedBefore;
        to.changedFrom = from.changedFrom;
        to.reevaluate = from.reevaluate;
        to.dayTotals = from.dayTotals == null ? null : from.dayTotals.clone();
        to.dayTotalsAggregation = from.dayTotalsAggregation;
        to.daysKnown = from.daysKnown;
        to.staleDays = from.staleDays;
        to.signalAnomalies = clone(from.signalAnomalies);
        to.rhythm = null;
        return to;
    }

    private static long[] clone(long[] a) {
        return a == null ? null : a.clone();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(PeriodState p, DataOutputView out) throws IOException {
        out.writeByte(LAYOUT);
        out.writeByte(flags(p));
        DecimalCodec.writeZigZag(out, p.start);
        writeInstant(out, p.end, p);
        // Where layout 1 held the period's anchor day, read by nothing since the key's cut is kept once
        // (KeyCut): written as 0, so that the layout stays the one every savepoint holds.
        DecimalCodec.writeZigZag(out, 0);
        AggSerializer.write(p.usage, out);
        AggSerializer.write(p.maturedUsage, out);
        AggSerializer.write(p.reported, out);
        AggSerializer.write(p.reportedSoFar, out);
        writeInstant(out, p.maturedBefore, p);
        writeInstant(out, p.reportedBefore, p);
        writeInstant(out, p.judgedBefore, p);
        if (p.changedFrom != Long.MAX_VALUE) {
            writeInstant(out, p.changedFrom, p);
        }
        DecimalCodec.writeZigZag(out, p.lateRecords);
        DecimalCodec.writeZigZag(out, p.unmappedUsage);
        DecimalCodec.writeZigZag(out, p.unmappedReported);
        if (p.unmappedLines != 0) {
            DecimalCodec.writeZigZag(out, p.unmappedLines);
        }
        DecimalCodec.writeZigZag(out, p.periodAnomalies);
        CompactArrays.writeBits(p.usageHours, out);
        CompactArrays.writeBits(p.reportHours, out);
        CompactArrays.writeBits(p.spikeHours, out);
        CompactArrays.writeBits(p.dropHours, out);
        CompactArrays.writeBits(p.rejudgeHours, out);
        CompactArrays.writeDoubles(p.dayTotals, out);
        DecimalCodec.writeZigZag(out, p.dayTotalsAggregation);
        DecimalCodec.writeZigZag(out, p.daysKnown);
        DecimalCodec.writeUnsigned(out, p.staleDays);
        CompactArrays.writeLongs(p.signalAnomalies, p.start, out);
    }

    @Override
    public PeriodState deserialize(DataInputView in) throws IOException {
        return deserialize(new PeriodState(), in);
    }

    @Override
    public PeriodState deserialize(PeriodState reuse, DataInputView in) throws IOException {
        int layout = in.readUnsignedByte();
        if (layout != LAYOUT) {
            throw new IOException("Corrupt period state: layout " + layout);
        }
        int flags = in.readUnsignedByte();
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new IOException("Corrupt period state: flags " + flags);
        }
        PeriodState p = reuse == null ? new PeriodState() : reuse;
        p.rhythm = null;
        p.finalized = (flags & FINALIZED) != 0;
        p.billingFinal = (flags & BILLING_FINAL) != 0;
        p.pricingFailed = (flags & PRICING_FAILED) != 0;
        p.reevaluate = (flags & REEVALUATE) != 0;
        p.start = DecimalCodec.readZigZag(in);
        p.end = readInstant(in, p);
        readInt(in); // the anchor day of layout 1, no longer read
        p.usage = readAgg(in);
        p.maturedUsage = readAgg(in);
        p.reported = readAgg(in);
        p.reportedSoFar = readAgg(in);
        p.maturedBefore = readInstant(in, p);
        p.reportedBefore = readInstant(in, p);
        p.judgedBefore = readInstant(in, p);
        p.changedFrom = (flags & UNCHANGED) != 0 ? Long.MAX_VALUE : readInstant(in, p);
        p.lateRecords = DecimalCodec.readZigZag(in);
        readUnmapped(p, flags, in);
        p.periodAnomalies = readInt(in);
        p.usageHours = CompactArrays.readBits(in);
        p.reportHours = CompactArrays.readBits(in);
        p.spikeHours = CompactArrays.readBits(in);
        p.dropHours = CompactArrays.readBits(in);
        p.rejudgeHours = CompactArrays.readBits(in);
        p.dayTotals = CompactArrays.readDoubles(in);
        p.dayTotalsAggregation = readInt(in);
        p.daysKnown = readInt(in);
        p.staleDays = DecimalCodec.readUnsigned(in);
        p.signalAnomalies = CompactArrays.readLongs(p.start, in);
        return p;
    }

    private static int flags(PeriodState p) {
        return (p.finalized ? FINALIZED : 0)
                | (p.billingFinal ? BILLING_FINAL : 0)
                | (p.pricingFailed ? PRICING_FAILED : 0)
                | (p.reevaluate ? REEVALUATE : 0)
                | (p.changedFrom == Long.MAX_VALUE ? UNCHANGED : 0)
                | SPLIT_UNMAPPED
                | (p.unmappedRow ? UNMAPPED_ROW : 0)
                | (p.unmappedLines != 0 ? UNMAPPED_LINES : 0);
    }

    /**
     * The unmapped counts. A period written before they were split holds their sum, of which the usage
     * records were counted first: as many as it holds (the most it can have counted), the rest reports.
     */
    private static void readUnmapped(PeriodState p, int flags, DataInputView in) throws IOException {
        if ((flags & SPLIT_UNMAPPED) != 0) {
            p.unmappedUsage = DecimalCodec.readZigZag(in);
            p.unmappedReported = DecimalCodec.readZigZag(in);
            p.unmappedLines = (flags & UNMAPPED_LINES) != 0 ? DecimalCodec.readZigZag(in) : 0;
            p.unmappedRow = (flags & UNMAPPED_ROW) != 0;
            return;
        }
        long counted = DecimalCodec.readZigZag(in);
        p.unmappedUsage = Math.max(0, Math.min(counted, p.usage == null ? 0 : p.usage.count));
        p.unmappedReported = counted - p.unmappedUsage;
        p.unmappedLines = 0;
        p.unmappedRow = counted > 0;
    }

    /** An instant as its distance from the period's start (wrapping, so that any long comes back). */
    private static void writeInstant(DataOutputView out, long instant, PeriodState p) throws IOException {
        DecimalCodec.writeZigZag(out, instant - p.start);
    }

    private static long readInstant(DataInputView in, PeriodState p) throws IOException {
        return p.start + DecimalCodec.readZigZag(in);
    }

    private static int readInt(DataInputView in) throws IOException {
        long v = DecimalCodec.readZigZag(in);
        if (v != (int) v) {
            throw new IOException("Corrupt period state: " + v + " is no int");
        }
        return (int) v;
    }

    private static Agg readAgg(DataInputView in) throws IOException {
        return AggSerializer.read(in.readUnsignedByte(), in, null);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<PeriodState> snapshotConfiguration() {
        return new PeriodStateSerializerSnapshot();
    }

    /**
     * Restores {@link PeriodStateSerializer}; a savepoint written with the POJO serializer of {@link
     * PeriodState} is migrated (read with the old serializer, rewritten with this one).
     */
    public static final class PeriodStateSerializerSnapshot extends CompactSerializerSnapshot<PeriodState> {
        public PeriodStateSerializerSnapshot() {
            super(PeriodState.class, () -> INSTANCE);
        }
    }
}
