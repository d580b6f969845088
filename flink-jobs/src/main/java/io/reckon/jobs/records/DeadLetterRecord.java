package io.reckon.jobs.records;

/** A record that could not be used, with its raw bytes, where it came from and why. */
public class DeadLetterRecord {
    public String source;
    /** Kafka partition, or null for a file. */
    public Integer partition;
    /** Kafka offset, or 1-based line number for a file, or null when unknown. */
    public Long offset;

    public byte[] raw;
    public String reason;
    public long detectedAt;

    public DeadLetterRecord() {}

    public DeadLetterRecord(String source, Integer partition, Long offset, byte[] raw, String reason, long detectedAt) {
        this.source = source;
        this.partition = partition;
        this.offset = offset;
        this.raw = raw;
        this.reason = reason;
        this.detectedAt = detectedAt;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + source + "@" + partition + "/" + offset + ": " + reason + "}";
    }
}
