package io.reckon.connectors.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A {@link Decoder} over an in-memory {@link BinaryDecoder} that refuses what Avro's own decoder lets
 * through on untrusted input.
 *
 * <p>Hand-written because Avro has no such switch: its {@code BinaryDecoder} allocates a declared
 * string, bytes or collection length before it knows whether the payload holds that many bytes (one
 * corrupt length can exhaust a TaskManager's heap), and it turns malformed UTF-8 into U+FFFD without a
 * word (a corrupted account id would then be reconciled as a different account). Here every declared
 * length is checked against the bytes left, and strings are decoded with a reporting UTF-8 decoder.
 */
final class BoundedStrictDecoder extends Decoder {

    /** A length that the remaining bytes cannot hold: the body is corrupt. */
    static final class BadLengthException extends IOException {
        private static final long serialVersionUID = 1L;

        BadLengthException(String message) {
            super(message);
        }
    }

    /** A string field whose bytes are not valid UTF-8. */
    static final class InvalidUtf8Exception extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidUtf8Exception(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final BinaryDecoder in;

    BoundedStrictDecoder(BinaryDecoder in) {
        this.in = in;
    }

    /** Bytes not yet consumed; exact for a decoder over a byte array. */
    int remaining() throws IOException {
        return in.inputStream().available();
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private int checkedLength(long length, String what) throws IOException {
        if (length < 0) {
            throw new BadLengthException(what + " has a negative length (" + length + ")");
        }
        int left = remaining();
        if (length > left) {
            throw new BadLengthException(
                    what + " declares " + length + " bytes but only " + left + " bytes are left in the payload");
        }
        return (int) length;
    }

    /**
     * Every item of an array or map of our schemas takes at least one byte, so a block cannot hold more
     * items than bytes left; rejecting it early keeps Avro from pre-sizing a huge collection.
     */
    private long checkedCount(long count, String what) throws IOException {
        int left = remaining();
        if (count > left) {
            throw new BadLengthException(
                    what + " block declares " + count + " items but only " + left + " bytes are left in the payload");
        }
        return count;
    }

    private static String strictUtf8(byte[] bytes, int length) throws IOException {
        // Ids, accounts and meters are nearly always ASCII, which is valid UTF-8 as it is: no decoder
        // (a new one and a char buffer per string took a fifth of the source thread).
        if (isAscii(bytes, length)) {
            return new String(bytes, 0, length, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidUtf8Exception("a string field is not valid UTF-8", e);
        }
    }

    private byte[] readLengthPrefixed(String what) throws IOException {
        int length = checkedLength(in.readLong(), what);
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return bytes;
    }

    @Override
    public String readString() throws IOException {
        byte[] bytes = readLengthPrefixed("a string");
        return strictUtf8(bytes, bytes.length);
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        byte[] bytes = readLengthPrefixed("a string");
        if (!isAscii(bytes, bytes.length)) {
            strictUtf8(bytes, bytes.length);
        }
        return new Utf8(bytes);
    }

    private static boolean isAscii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(checkedLength(in.readLong(), "a skipped string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        return ByteBuffer.wrap(readLengthPrefixed("a bytes field"));
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(checkedLength(in.readLong(), "a skipped bytes field"));
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkedCount(in.readArrayStart(), "an array");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkedCount(in.arrayNext(), "an array");
    }

    @Override
    public long readMapStart() throws IOException {
        return checkedCount(in.readMapStart(), "a map");
    }

    @Override
    public long mapNext() throws IOException {
        return checkedCount(in.mapNext(), "a map");
    }

    @Override
    public long skipArray() throws IOException {
        return checkedCount(in.skipArray(), "a skipped array");
    }

    @Override
    public long skipMap() throws IOException {
        return checkedCount(in.skipMap(), "a skipped map");
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
