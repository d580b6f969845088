package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Compact serializer of an {@link AnomalyState}: a layout byte, a byte of flags (the final revision,
 * which of the nullable fields are there, the status as one of its three values), the revision, amounts
 * and end as varints, the quantities in {@link DecimalCodec}'s full form. Flink's POJO serializer took
 * some 90 bytes for an open anomaly of the benchmark's worst key (a null flag per field, 8 bytes per
 * long, the decimals' unscaled bytes behind their own lengths, the status and currency as strings).
 *
 * <p>Hand-written because Flink has no compact serializer for such a class. State written by the POJO
 * serializer migrates ({@link CompactSerializerSnapshot}).
 */
public final class AnomalyStateSerializer extends TypeSerializerSingleton<AnomalyState> {

    private static final long serialVersionUID = 1L;

    public static final AnomalyStateSerializer INSTANCE = new AnomalyStateSerializer();

    /** The first byte of every anomaly: the layout below, so that a later one can be read beside it. */
    static final int LAYOUT = 1;

    private static final int FINAL = 1;
    private static final int BILLED = 1 << 1;
    private static final int CURRENCY = 1 << 2;
    /** Bits 3 to 5: the status, by its index in {@link #STATUSES}; 0 is null, 7 a string that follows. */
    private static final int STATUS_SHIFT = 3;

    private static final int OTHER_STATUS = 7;
    private static final int KNOWN_FLAGS = (1 << 6) - 1;

    /**
     * Longest status or currency (a currency is a contract's ISO code, a status one of {@link
     * #STATUSES}): far above both, so that corrupt bytes cannot allocate more.
     */
    static final int MAX_STRING_BYTES = 1 << 10;

    /** The statuses a revision has (the output record's), each written as its index here. */
    private static final String[] STATUSES = {null, "open", "updated", "resolved"};

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public AnomalyState createInstance() {
        return new AnomalyState();
    }

    @Override
    public AnomalyState copy(AnomalyState from) {
        return from == null ? null : copyInto(from, new AnomalyState());
    }

    @Override
    public AnomalyState copy(AnomalyState from, AnomalyState reuse) {
        return from == null ? null : copyInto(from, reuse == null ? new AnomalyState() : reuse);
    }

    /** A copy: every field is immutable (decimals, strings, a boxed long) or primitive. */
    private static AnomalyState copyInto(AnomalyState from, AnomalyState to) {
        to.revision = from.revision;
        to.status = from.status;
        to.finalRevision = from.finalRevision;
        to.actualQuantity = from.actualQuantity;
        to.reportedQuantity = from.reportedQuantity;
        to.expectedAmountMinor = from.expectedAmountMinor;
        to.pricedReportedAmountMinor = from.pricedReportedAmountMinor;
        to.billedAmountMinor = from.billedAmountMinor;
        to.amountMinor = from.amountMinor;
        to.currency = from.currency;
        to.baseline = from.baseline;
        to.signalEnd = from.signalEnd;
        return to;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(AnomalyState a, DataOutputView out) throws IOException {
        int status = statusIndex(a.status);
        out.writeByte(LAYOUT);
        out.writeByte((a.finalRevision ? FINAL : 0)
                | (a.billedAmountMinor != null ? BILLED : 0)
                | (a.currency != null ? CURRENCY : 0)
                | status << STATUS_SHIFT);
        if (status == OTHER_STATUS) {
            writeString(a.status, out);
        }
        DecimalCodec.writeZigZag(out, a.revision);
        DecimalCodec.writeFull(out, a.actualQuantity);
        DecimalCodec.writeFull(out, a.reportedQuantity);
        DecimalCodec.writeZigZag(out, a.expectedAmountMinor);
        DecimalCodec.writeZigZag(out, a.pricedReportedAmountMinor);
        if (a.billedAmountMinor != null) {
            DecimalCodec.writeZigZag(out, a.billedAmountMinor);
        }
        DecimalCodec.writeZigZag(out, a.amountMinor);
        if (a.currency != null) {
            writeString(a.currency, out);
        }
        DecimalCodec.writeFull(out, a.baseline);
        DecimalCodec.writeZigZag(out, a.signalEnd);
    }

    private static int statusIndex(String status) {
        for (int i = 0; i < STATUSES.length; i++) {
            if (status == null ? STATUSES[i] == null : status.equals(STATUSES[i])) {
                return i;
            }
        }
        return OTHER_STATUS;
    }

    @Override
    public AnomalyState deserialize(DataInputView in) throws IOException {
        return deserialize(new AnomalyState(), in);
    }

    @Override
    public AnomalyState deserialize(AnomalyState reuse, DataInputView in) throws IOException {
        int layout = in.readUnsignedByte();
        if (layout != LAYOUT) {
            throw new IOException("Corrupt anomaly state: layout " + layout);
        }
        int flags = in.readUnsignedByte();
        int status = flags >>> STATUS_SHIFT & 7;
        if ((flags & ~KNOWN_FLAGS) != 0 || (status >= STATUSES.length && status != OTHER_STATUS)) {
            throw new IOException("Corrupt anomaly state: flags " + flags);
        }
        AnomalyState a = reuse == null ? new AnomalyState() : reuse;
        a.finalRevision = (flags & FINAL) != 0;
        a.status = status == OTHER_STATUS ? readString(in) : STATUSES[status];
        a.revision = readInt(in);
        a.actualQuantity = DecimalCodec.readFull(in);
        a.reportedQuantity = DecimalCodec.readFull(in);
        a.expectedAmountMinor = DecimalCodec.readZigZag(in);
        a.pricedReportedAmountMinor = DecimalCodec.readZigZag(in);
        a.billedAmountMinor = (flags & BILLED) != 0 ? DecimalCodec.readZigZag(in) : null;
        a.amountMinor = DecimalCodec.readZigZag(in);
        a.currency = (flags & CURRENCY) != 0 ? readString(in) : null;
        a.baseline = DecimalCodec.readFull(in);
        a.signalEnd = DecimalCodec.readZigZag(in);
        return a;
    }

    /**
     * A string as its length in UTF-8 bytes and those bytes: read back with its length checked before
     * anything is allocated (Flink's {@code StringValue} allocates whatever length corrupt bytes say).
     */
    private static void writeString(String s, DataOutputView out) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_STRING_BYTES) {
            throw new IOException(
                    "Anomaly state: a string of " + utf8.length + " bytes, more than " + MAX_STRING_BYTES);
        }
        DecimalCodec.writeUnsigned(out, utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputView in) throws IOException {
        long length = DecimalCodec.readUnsigned(in);
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new IOException("Corrupt anomaly state: a string of " + length + " bytes");
        }
        byte[] utf8 = new byte[(int) length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static int readInt(DataInputView in) throws IOException {
        long v = DecimalCodec.readZigZag(in);
        if (v != (int) v) {
            throw new IOException("Corrupt anomaly state: " + v + " is no int");
        }
        return (int) v;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<AnomalyState> snapshotConfiguration() {
        return new AnomalyStateSerializerSnapshot();
    }

    /**
     * Restores {@link AnomalyStateSerializer}; a savepoint written with the POJO serializer of {@link
     * AnomalyState} is migrated (read with the old serializer, rewritten with this one).
     */
    public static final class AnomalyStateSerializerSnapshot extends CompactSerializerSnapshot<AnomalyState> {
        public AnomalyStateSerializerSnapshot() {
            super(AnomalyState.class, () -> INSTANCE);
        }
    }
}
