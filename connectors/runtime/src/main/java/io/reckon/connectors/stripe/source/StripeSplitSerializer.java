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
 * same second as the last one restored then ranks as if it were the first of its invoice).
 */
final class StripeSplitSerializer implements SimpleVersionedSerializer<StripeSplit> {

    static final StripeSplitSerializer INSTANCE = new StripeSplitSerializer();

    private static final int VERSION = 2;

    private static final int VERSION_WITHOUT_EVENT_COUNTS = 1;

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
        if (version != VERSION && version != VERSION_WITHOUT_EVENT_COUNTS) {
            throw new IOException("unknown version of a Stripe split: " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in, version);
        }
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
    }

    static StripeSplit read(DataInputStream in, int version) throws IOException {
        StripeSplit.Stream stream = StripeSplit.Stream.valueOf(in.readUTF());
        String lastEventId = in.readBoolean() ? in.readUTF() : null;
        long lastEventCreated = in.readLong();
        Map<String, Integer> eventCounts = new HashMap<>();
        if (version >= VERSION) {
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
        return new StripeSplit(stream, lastEventId, lastEventCreated, eventCounts, marks);
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
            if (version != VERSION && version != VERSION_WITHOUT_EVENT_COUNTS) {
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
