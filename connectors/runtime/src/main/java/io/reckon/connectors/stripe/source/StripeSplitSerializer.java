package io.reckon.connectors.stripe.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Checkpoint form of {@link StripeSplit}, and of the enumerator's pending splits. Version 2 added the
 * per-invoice event counts of the last second; a version 1 split restores with none (an event of the
 * same second as the last one restored then ranks as if it were the first of its invoice). Version 3
 * added the lines of draft invoices; an earlier split restores with none (a line deleted from a draft
 * before its next event is then noticed only from the event after that one's).
 */
final class StripeSplitSerializer implements SimpleVersionedSerializer<StripeSplit> {

    static final StripeSplitSerializer INSTANCE = new StripeSplitSerializer();

    private static final int VERSION = 3;

    private static final int VERSION_WITHOUT_EVENT_COUNTS = 1;

    private static final int VERSION_WITHOUT_DRAFT_LINES = 2;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(StripeSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public StripeSplit deserialize(int version, byte[] serialized) throws IOException {
        if (!known(version)) {
            throw new IOException("unknown version of a Stripe split: " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in, version);
        }
    }

    private static boolean known(int version) {
        return version == VERSION || version == VERSION_WITHOUT_EVENT_COUNTS || version == VERSION_WITHOUT_DRAFT_LINES;
    }

    static void write(StripeSplit split, DataOutputStream out) throws IOException {
        out.writeUTF(split.stream().name());
        out.writeBoolean(split.lastEventId() != null);
        if (split.lastEventId() != null) {
            out.writeUTF(split.lastEventId());
        }
        out.writeLong(split.lastEventCreated());
        out.writeInt(split.invoiceEventsInLastSecond().size());
        for (Map.Entry<String, Integer> e : split.invoiceEventsInLastSecond().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue());
        }
        out.writeInt(split.marks().size());
        for (Map.Entry<String, SummaryMark> e : split.marks().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().hourStart());
            out.writeUTF(e.getValue().quantity().toPlainString());
        }
        out.writeInt(split.draftLines().size());
        for (Map.Entry<String, List<StripeRecord>> e : split.draftLines().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().size());
            for (StripeRecord line : e.getValue()) {
                writeLine(line, out);
            }
        }
    }

    /** A held draft line: what its void record needs (its invoice is the map's key). */
    private static void writeLine(StripeRecord line, DataOutputStream out) throws IOException {
        out.writeUTF(line.lineId);
        out.writeUTF(line.accountId);
        out.writeUTF(line.meter);
        out.writeLong(line.periodStart);
        out.writeLong(line.periodEnd);
        out.writeUTF(line.quantity.toPlainString());
        out.writeLong(line.amountMinor);
        out.writeUTF(line.currency);
        out.writeUTF(line.status);
        out.writeLong(line.updatedAt);
    }

    private static StripeRecord readLine(String invoiceId, DataInputStream in) throws IOException {
        return StripeRecord.invoiceLine(
                invoiceId,
                in.readUTF(),
                in.readUTF(),
                in.readUTF(),
                in.readLong(),
                in.readLong(),
                new BigDecimal(in.readUTF()),
                in.readLong(),
                in.readUTF(),
                in.readUTF(),
                in.readLong());
    }

    static StripeSplit read(DataInputStream in, int version) throws IOException {
        StripeSplit.Stream stream = StripeSplit.Stream.valueOf(in.readUTF());
        String lastEventId = in.readBoolean() ? in.readUTF() : null;
        long lastEventCreated = in.readLong();
        Map<String, Integer> eventCounts = new HashMap<>();
        if (version > VERSION_WITHOUT_EVENT_COUNTS) {
            int counts = in.readInt();
            for (int i = 0; i < counts; i++) {
                eventCounts.put(in.readUTF(), in.readInt());
            }
        }
        int n = in.readInt();
        Map<String, SummaryMark> marks = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String reportId = in.readUTF();
            long hour = in.readLong();
            marks.put(reportId, new SummaryMark(hour, new BigDecimal(in.readUTF())));
        }
        Map<String, List<StripeRecord>> drafts = new HashMap<>();
        if (version > VERSION_WITHOUT_DRAFT_LINES) {
            int invoices = in.readInt();
            for (int i = 0; i < invoices; i++) {
                String invoiceId = in.readUTF();
                int lines = in.readInt();
                List<StripeRecord> held = new ArrayList<>(lines);
                for (int j = 0; j < lines; j++) {
                    held.add(readLine(invoiceId, in));
                }
                drafts.put(invoiceId, held);
            }
        }
        return new StripeSplit(stream, lastEventId, lastEventCreated, eventCounts, marks, drafts);
    }

    /** The enumerator's state: the splits not assigned yet. */
    static final class Pending implements SimpleVersionedSerializer<List<StripeSplit>> {

        static final Pending INSTANCE = new Pending();

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(List<StripeSplit> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (StripeSplit split : splits) {
                    write(split, out);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public List<StripeSplit> deserialize(int version, byte[] serialized) throws IOException {
            if (!known(version)) {
                throw new IOException("unknown version of the Stripe enumerator state: " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int n = in.readInt();
                List<StripeSplit> splits = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    splits.add(read(in, version));
                }
                return splits;
            }
        }
    }
}
