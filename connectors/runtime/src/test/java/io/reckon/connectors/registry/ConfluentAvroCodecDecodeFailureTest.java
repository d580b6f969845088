package io.reckon.connectors.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.avro.Anomaly;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.testing.AvroFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** Each way a payload can be unusable gives an {@link UndecodableRecordException} that says why. */
class ConfluentAvroCodecDecodeFailureTest {

    private final ConfluentAvroCodec codec = ConfluentAvroCodec.forUrl("mock://decode-failures-" + UUID.randomUUID());

    /** A valid UsageEvent payload: event_id "abc", no attributes, so the body ends with the empty map. */
    private byte[] validPayload() {
        UsageEvent event = AvroFixtures.usageEvent("abc");
        event.setAttributes(Map.of());
        return codec.encode("recon.usage-value", event);
    }

    private static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            encoder.writeLong(value);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void validPayloadDecodes() throws Exception {
        assertThat(codec.decode(validPayload(), UsageEvent.class).getEventId()).isEqualTo("abc");
    }

    @Test
    void nullPayloadIsUndecodable() {
        assertThatThrownBy(() -> codec.decode(null, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessage("payload is null (a record without a value, e.g. a tombstone)");
    }

    @Test
    void emptyPayloadIsUndecodable() {
        assertThatThrownBy(() -> codec.decode(new byte[0], UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessage("payload is empty (0 bytes)");
    }

    @Test
    void payloadShorterThanTheHeaderIsUndecodable() {
        assertThatThrownBy(() -> codec.decode(new byte[] {0, 0, 0, 1}, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessage("payload of 4 bytes is shorter than the 5-byte Confluent header"
                        + " (magic byte and 4-byte schema id)");
    }

    @Test
    void wrongMagicByteIsUndecodableAndNamed() {
        byte[] payload = validPayload();
        payload[0] = (byte) 0x7b; // '{', e.g. a JSON value on an Avro topic

        assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessage("unknown magic byte 0x7b at offset 0 (expected 0x00 of the Confluent wire format)");
    }

    @Test
    void unknownSchemaIdIsUndecodableAndNamed() {
        byte[] payload = validPayload();
        ByteBuffer.wrap(payload, 1, 4).putInt(987_654);

        assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("unknown schema id 987654: the schema registry has no schema with that id");
    }

    @Test
    void recordOfAnIncompatibleSchemaIsUndecodableWithTheIncompatibility() {
        byte[] anomaly = codec.encode("recon.anomalies-value", AvroFixtures.anomaly());
        int anomalyId = ByteBuffer.wrap(anomaly, 1, 4).getInt();

        assertThatThrownBy(() -> codec.decode(anomaly, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("writer schema id " + anomalyId
                        + " (io.reckon.avro.Anomaly) is incompatible with io.reckon.avro.UsageEvent: ")
                .hasMessageContaining("NAME_MISMATCH");
        // The outcome is cached, and stays an error on the second try.
        assertThatThrownBy(() -> codec.decode(anomaly, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("is incompatible with io.reckon.avro.UsageEvent");
    }

    @Test
    void bodyCutAtTheEndIsUndecodableAsTruncated() {
        byte[] valid = validPayload();
        byte[] truncated = Arrays.copyOf(valid, valid.length - 1);

        assertThatThrownBy(() -> codec.decode(truncated, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith(
                        "truncated Avro body: the Avro body (" + (truncated.length - 5) + " bytes, schema id ")
                .hasMessageEndingWith(", UsageEvent) ended before the record was complete");
    }

    @Test
    void bodyCutInsideAFieldIsUndecodableWithTheMissingBytes() {
        byte[] valid = validPayload();
        byte[] truncated = Arrays.copyOf(valid, valid.length - 4);

        assertThatThrownBy(() -> codec.decode(truncated, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("truncated or corrupt Avro body: in the Avro body")
                .hasMessageContaining("a bytes field declares 12 bytes but only 9 bytes are left in the payload");
    }

    @Test
    void headerWithoutBodyIsUndecodable() {
        byte[] headerOnly = Arrays.copyOf(validPayload(), 5);

        assertThatThrownBy(() -> codec.decode(headerOnly, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("truncated Avro body: the Avro body (0 bytes");
    }

    @Test
    void stringLengthBeyondThePayloadIsUndecodableWithoutAllocatingIt() {
        byte[] valid = validPayload();
        // The body starts with event_id: its length varint (1 byte for "abc") is replaced by 1 GB.
        byte[] payload = concat(Arrays.copyOf(valid, 5), varint(1L << 30), Arrays.copyOfRange(valid, 6, valid.length));

        assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("truncated or corrupt Avro body: in the Avro body")
                .hasMessageContaining("a string declares 1073741824 bytes but only");
    }

    @Test
    void negativeStringLengthIsUndecodable() {
        byte[] valid = validPayload();
        byte[] payload = concat(Arrays.copyOf(valid, 5), varint(-3), Arrays.copyOfRange(valid, 6, valid.length));

        assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("a string has a negative length (-3)");
    }

    @Test
    void mapBlockCountBeyondThePayloadIsUndecodable() {
        byte[] valid = validPayload();
        // The last byte is the empty attributes map (block count 0); declare a billion entries instead.
        byte[] payload = concat(Arrays.copyOf(valid, valid.length - 1), varint(1_000_000_000L));

        assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("a map block declares 1000000000 items but only");
    }

    @Test
    void invalidUtf8InAStringIsUndecodableRatherThanReplaced() {
        byte[] payload = validPayload();
        // Bytes 6..8 are "abc"; 0xC3 0x28 is a two-byte sequence with an invalid continuation byte.
        assertThat(new String(payload, 6, 3, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("abc");
        payload[6] = (byte) 0xC3;
        payload[7] = (byte) 0x28;

        assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("invalid UTF-8 in the Avro body")
                .hasMessageEndingWith("a string field is not valid UTF-8");
    }

    @Test
    void invalidUtf8InAMapValueIsUndecodable() {
        UsageEvent event = AvroFixtures.usageEvent("abc");
        event.setAttributes(Map.of("k", "zz"));
        byte[] payload = codec.encode("recon.usage-value", event);
        // The map is last: ..., count 1, "k", "zz", end 0. Corrupt the value "zz".
        payload[payload.length - 3] = (byte) 0xff;

        assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void trailingBytesAfterTheRecordAreUndecodable() {
        byte[] payload = concat(validPayload(), new byte[] {0x02, 0x04, 0x06});

        assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("3 trailing bytes after the record in the Avro body");
    }

    @Test
    void twoRecordsInOnePayloadAreUndecodable() {
        byte[] one = validPayload();
        byte[] payload = concat(one, Arrays.copyOfRange(one, 5, one.length));

        assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining((one.length - 5) + " trailing bytes after the record");
    }

    @Test
    void invalidUnionBranchIsUndecodable() throws Exception {
        byte[] valid = codec.encode("recon.anomalies-value", AvroFixtures.anomaly());
        Anomaly back = codec.decode(valid, Anomaly.class);
        assertThat(back.getBilledAmountMinor()).isNull();
        // billed_amount_minor is ["null","long"] and null here: its union index is one zero byte.
        byte[] payload = valid.clone();
        int unionIndexPosition = indexOfNullBilledAmount(payload);
        payload[unionIndexPosition] = 14; // zig-zag 7: no such branch

        assertThatThrownBy(() -> codec.decode(payload, Anomaly.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("corrupt Avro body");
    }

    /** Position of the null branch of billed_amount_minor: the one byte where null and 0L encodings differ. */
    private int indexOfNullBilledAmount(byte[] withNull) {
        Anomaly withZero = AvroFixtures.anomaly();
        withZero.setBilledAmountMinor(0L);
        byte[] zero = codec.encode("recon.anomalies-value", withZero);
        for (int i = 0; i < withNull.length; i++) {
            if (withNull[i] != zero[i]) {
                return i;
            }
        }
        throw new IllegalStateException("encodings do not differ");
    }
}
