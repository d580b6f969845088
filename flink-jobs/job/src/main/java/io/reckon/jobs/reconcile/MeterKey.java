package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.MeterEvent;
import java.util.Objects;

/**
 * The key of all keyed state, one (account, meter). In the stream the key is the string {@link
 * MeterEvent#keyOf} builds (account and meter joined by U+001F, which ids may not contain); this holds
 * that string and its two parts, so that neither is built again per record.
 */
public final class MeterKey {

    private final String accountId;
    private final String meter;
    private final String streamKey;

    private MeterKey(String accountId, String meter, String streamKey) {
        this.accountId = accountId;
        this.meter = meter;
        this.streamKey = streamKey;
    }

    /** The key taken apart from the string the stream carries. */
    public static MeterKey of(String streamKey) {
        int i = streamKey.indexOf('\u001f');
        if (i < 0) {
            throw new IllegalArgumentException("not a reconcile key: " + streamKey);
        }
        return new MeterKey(streamKey.substring(0, i), streamKey.substring(i + 1), streamKey);
    }

    /** The key of record {@code e}, whose stream key is {@code streamKey}. */
    static MeterKey of(MeterEvent e, String streamKey) {
        return new MeterKey(e.accountId, e.meter, streamKey);
    }

    public String accountId() {
        return accountId;
    }

    public String meter() {
        return meter;
    }

    /** The key as the stream carries it. */
    public String streamKey() {
        return streamKey;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeterKey k && accountId.equals(k.accountId) && meter.equals(k.meter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accountId, meter);
    }

    @Override
    public String toString() {
        return "MeterKey[accountId=" + accountId + ", meter=" + meter + "]";
    }
}
