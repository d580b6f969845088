package io.reckon.jobs.records;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A record that could not be used, with its raw bytes, where it came from and why. Built only through
 * {@link #of}, which bounds it: a dead letter keeps at most {@link #MAX_RAW_BYTES} of the record (with
 * the whole record's length and SHA-256, so a cut record can still be matched with its original) and
 * at most {@link #MAX_REASON_CHARS} of the reason, so that no input, however large, can make a dead
 * letter that the dead-letter topic refuses (Kafka's default limit is 1 MB per record).
 *
 * <p>{@code source} is what {@code dead_letter.avsc} says: the input the record came from, a topic
 * name, or a file name for replay.
 */
public class DeadLetterRecord {

    /** Raw bytes kept of a record; the rest is described by {@link #rawLength} and {@link #rawSha256}. */
    public static final int MAX_RAW_BYTES = 65_536;

    /** Characters kept of a reason; a longer one ends with an ellipsis. */
    public static final int MAX_REASON_CHARS = 2_048;

    public String source;
    /** Kafka partition, or null for a file. */
    public Integer partition;
    /** Kafka offset, or 1-based line number for a file, or null when unknown. */
    public Long offset;

    /** The record as read, or its first {@link #MAX_RAW_BYTES} bytes. */
    public byte[] raw;
    /** Length of the whole record in bytes. */
    public long rawLength;
    /** SHA-256 of the whole record, lower-case hex. */
    public String rawSha256;

    public String reason;
    public long detectedAt;

    public DeadLetterRecord() {}

    /**
     * The dead letter of {@code whole} (null is an empty record), read from {@code source} at {@code
     * partition} and {@code offset} (null where there are none), refused for {@code reason}.
     */
    public static DeadLetterRecord of(
            String source, Integer partition, Long offset, byte[] whole, String reason, long detectedAt) {
        byte[] record = whole == null ? new byte[0] : whole;
        DeadLetterRecord d = new DeadLetterRecord();
        d.source = source;
        d.partition = partition;
        d.offset = offset;
        d.raw = record.length <= MAX_RAW_BYTES ? record : Arrays.copyOf(record, MAX_RAW_BYTES);
        d.rawLength = record.length;
        d.rawSha256 = sha256(record);
        d.reason = boundedReason(reason);
        d.detectedAt = detectedAt;
        return d;
    }

    /**
     * As {@link #of(String, Integer, Long, byte[], String, long)} for a record too large to be held
     * whole: {@code head} is its start (at most {@link #MAX_RAW_BYTES} of it are kept), {@code
     * wholeLength} and {@code wholeSha256} (lower-case hex) describe the whole record, as computed
     * while it was read past.
     */
    public static DeadLetterRecord ofCut(
            String source,
            Integer partition,
            Long offset,
            byte[] head,
            long wholeLength,
            String wholeSha256,
            String reason,
            long detectedAt) {
        byte[] start = head == null ? new byte[0] : head;
        if (wholeLength < start.length) {
            throw new IllegalArgumentException("the whole record is shorter than its start");
        }
        DeadLetterRecord d = new DeadLetterRecord();
        d.source = source;
        d.partition = partition;
        d.offset = offset;
        d.raw = start.length <= MAX_RAW_BYTES ? start : Arrays.copyOf(start, MAX_RAW_BYTES);
        d.rawLength = wholeLength;
        d.rawSha256 = java.util.Objects.requireNonNull(wholeSha256, "wholeSha256");
        d.reason = boundedReason(reason);
        d.detectedAt = detectedAt;
        return d;
    }

    /** As {@link #of(String, Integer, Long, byte[], String, long)}, for a record given as text. */
    public static DeadLetterRecord of(
            String source, Integer partition, Long offset, String whole, String reason, long detectedAt) {
        return of(source, partition, offset, whole.getBytes(StandardCharsets.UTF_8), reason, detectedAt);
    }

    /** Whether the raw bytes are only the start of the record. */
    public boolean truncated() {
        return raw.length < rawLength;
    }

    /** The reason cut to {@link #MAX_REASON_CHARS} characters (never in the middle of a surrogate pair). */
    public static String boundedReason(String reason) {
        if (reason == null || reason.isEmpty()) {
            return "no reason given";
        }
        if (reason.length() <= MAX_REASON_CHARS) {
            return reason;
        }
        int end = MAX_REASON_CHARS - 1;
        if (Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--;
        }
        return reason.substring(0, end) + "\u2026";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "DeadLetter{" + source + "@" + partition + "/" + offset + ": " + reason + "}";
    }
}
