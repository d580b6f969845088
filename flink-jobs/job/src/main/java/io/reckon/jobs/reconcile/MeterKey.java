package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.MeterEvent;

/**
 * The key of all keyed state, one (account, meter). In the stream the key is the string {@link
 * MeterEvent#keyOf} builds (account and meter joined by U+001F, which ids may not contain); this is
 * that string taken apart once per call.
 */
public record MeterKey(String accountId, String meter) {

    public static MeterKey of(String streamKey) {
        int i = streamKey.indexOf('\u001f');
        if (i < 0) {
            throw new IllegalArgumentException("not a reconcile key: " + streamKey);
        }
        return new MeterKey(streamKey.substring(0, i), streamKey.substring(i + 1));
    }

    /** The key as the stream carries it. */
    public String streamKey() {
        return MeterEvent.keyOf(accountId, meter);
    }
}
