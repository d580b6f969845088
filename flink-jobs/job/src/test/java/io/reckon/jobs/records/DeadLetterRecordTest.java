package io.reckon.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DeadLetterRecordTest {

    @Test
    void aSmallRecordIsKeptWholeWithItsLengthAndHash() throws Exception {
        byte[] raw = "{\"event_id\":\"e-1\"}".getBytes(StandardCharsets.UTF_8);
        DeadLetterRecord d = DeadLetterRecord.of("usage.jsonl", null, 3L, raw, "quantity is missing", 42L);
        assertThat(d.raw).isEqualTo(raw);
        assertThat(d.rawLength).isEqualTo(raw.length);
        assertThat(d.truncated()).isFalse();
        assertThat(d.rawSha256)
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(raw)));
        assertThat(d.source).isEqualTo("usage.jsonl");
        assertThat(d.offset).isEqualTo(3L);
        assertThat(d.partition).isNull();
        assertThat(d.reason).isEqualTo("quantity is missing");
    }

    @Test
    void aLargeRecordKeepsItsFirstBytesAndTheWholeRecordsLengthAndHash() throws Exception {
        byte[] raw = new byte[3 * 1024 * 1024];
        Arrays.fill(raw, (byte) 'x');
        raw[raw.length - 1] = 'y';
        DeadLetterRecord d = DeadLetterRecord.of("recon.usage", 1, 7L, raw, "too large", 0L);
        assertThat(d.raw).hasSize(DeadLetterRecord.MAX_RAW_BYTES);
        assertThat(d.rawLength).isEqualTo(raw.length);
        assertThat(d.truncated()).isTrue();
        assertThat(d.rawSha256)
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(raw)));
    }

    @Test
    void aRecordReadPastKeepsTheStartItWasGivenAndTheWholeRecordsLengthAndHash() {
        byte[] head = new byte[100_000];
        Arrays.fill(head, (byte) 'z');
        DeadLetterRecord d = DeadLetterRecord.ofCut("usage.jsonl", null, 9L, head, 5_000_000L, "ab12", "too long", 1L);
        assertThat(d.raw).hasSize(DeadLetterRecord.MAX_RAW_BYTES);
        assertThat(d.rawLength).isEqualTo(5_000_000L);
        assertThat(d.rawSha256).isEqualTo("ab12");
        assertThat(d.truncated()).isTrue();
        assertThat(d.offset).isEqualTo(9L);
        assertThat(d.reason).isEqualTo("too long");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> DeadLetterRecord.ofCut("f", null, 1L, head, 10L, "ab12", "r", 1L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLongReasonIsCutWithAnEllipsisAndNoBrokenSurrogate() {
        String reason = "status '" + "\uD83D\uDE00".repeat(5_000) + "' is not one of draft, open, paid, void";
        DeadLetterRecord d = DeadLetterRecord.of("recon.invoices", 0, 1L, new byte[0], reason, 0L);
        assertThat(d.reason.length()).isLessThanOrEqualTo(DeadLetterRecord.MAX_REASON_CHARS);
        assertThat(d.reason).endsWith("\u2026");
        assertThat(Character.isHighSurrogate(d.reason.charAt(d.reason.length() - 2)))
                .isFalse();
        assertThat(DeadLetterRecord.of("s", null, null, (byte[]) null, null, 0L).reason)
                .isEqualTo("no reason given");
    }
}
