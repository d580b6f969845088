package io.reckon.jobs.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro binary bodies written field by field, and Confluent frames around them, for inputs that no
 * well-behaved writer produces: invalid UTF-8 in a string, impossible lengths, decimals beyond the
 * schema's precision. The primitives come from Avro's own encoder; only their sequence is chosen by
 * hand, because a datum writer refuses exactly the values these tests need.
 *
 * <pre>{@code
 * byte[] value = AvroBytes.frame(schemaId, new AvroBytes().string("e1").rawString(new byte[] {(byte) 0xC3, 0x28}).bytes());
 * }</pre>
 */
public final class AvroBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);

    public AvroBytes string(String s) {
        return rawString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A string field whose bytes are written as given, valid UTF-8 or not. */
    public AvroBytes rawString(byte[] utf8) {
        try {
            encoder.writeBytes(utf8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A zig-zag varint: an int, a long, a length, a block count or a union branch. */
    public AvroBytes varlong(long v) {
        try {
            encoder.writeLong(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A bytes-backed decimal of scale 9, as its two's-complement unscaled value, precision unchecked. */
    public AvroBytes decimal9(BigDecimal v) {
        return rawString(v.setScale(9, RoundingMode.UNNECESSARY).unscaledValue().toByteArray());
    }

    public AvroBytes unscaled(BigInteger v) {
        return rawString(v.toByteArray());
    }

    /** Bytes appended as they are (no length prefix). */
    public AvroBytes raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    /** Magic byte 0, the 4-byte big-endian schema id, then {@code body}. */
    public static byte[] frame(int schemaId, byte[] body) {
        return frame((byte) 0, schemaId, body);
    }

    public static byte[] frame(byte magic, int schemaId, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(5 + body.length);
        b.put(magic).putInt(schemaId).put(body);
        return b.array();
    }

    public static byte[] concat(byte[] a, byte... b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
