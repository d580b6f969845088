package io.reckon.jobs.records;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.types.StringValue;

/**
 * Reads a string in {@link StringValue}'s encoding (its length plus one, then each char, as 7-bit
 * groups; 0 for null), as {@link StringValue#readString} does, without the thread-local buffer that
 * method fetches for every string: three or more strings of every record cross the keyed exchange,
 * and in a profile of the dense benchmark the thread-local lookups were a third of reading records
 * back (docs/benchmarks.md, twentieth round). Hand-written because Flink offers only that method for
 * this encoding; the bytes on the wire are unchanged ({@code WireStringsTest} holds it to Flink's).
 */
final class WireStrings {

    private WireStrings() {}

    static String read(DataInputView in) throws IOException {
        int first = in.readUnsignedByte();
        if (first == 0) {
            return null;
        }
        int length = readGroups(in, first) - 1;
        if (length < 0) {
            throw new IOException("Corrupt string: length " + Integer.toUnsignedString(length));
        }
        byte[] latin1 = new byte[Math.min(length, 4096)];
        for (int i = 0; i < length; i++) {
            int c = in.readUnsignedByte();
            if (c >= 0x80) {
                return readWide(in, latin1, i, length, readGroups(in, c));
            }
            if (i == latin1.length) {
                latin1 = Arrays.copyOf(latin1, Math.min(length, 2 * latin1.length));
            }
            latin1[i] = (byte) c;
        }
        return new String(latin1, 0, length, StandardCharsets.ISO_8859_1);
    }

    /**
     * The rest of a string once a char beyond 7 bits appears at {@code at} (chars {@code 0..at-1} are
     * in {@code start}); the buffer grows with the chars read, not with the length announced.
     */
    private static String readWide(DataInputView in, byte[] start, int at, int length, int first) throws IOException {
        char[] chars = new char[Math.min(length, Math.max(4096, 2 * at))];
        for (int i = 0; i < at; i++) {
            chars[i] = (char) start[i];
        }
        chars[at] = (char) first;
        for (int i = at + 1; i < length; i++) {
            char c = (char) readGroups(in, in.readUnsignedByte());
            if (i == chars.length) {
                chars = Arrays.copyOf(chars, Math.min(length, 2 * chars.length));
            }
            chars[i] = c;
        }
        return new String(chars, 0, length);
    }

    /** A number whose first byte is {@code first}: 7 bits per byte, low group first, high bit set on all but the last. */
    private static int readGroups(DataInputView in, int first) throws IOException {
        if (first < 0x80) {
            return first;
        }
        int value = first & 0x7f;
        int shift = 7;
        int next;
        while ((next = in.readUnsignedByte()) >= 0x80) {
            value |= (next & 0x7f) << shift;
            shift += 7;
        }
        return value | next << shift;
    }
}
