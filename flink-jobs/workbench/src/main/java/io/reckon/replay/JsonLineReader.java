package io.reckon.replay;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads a JSON Lines file as lines of bytes, in bounded memory whatever the file holds. Nothing is
 * decoded here: a line that is not UTF-8 is the caller's to dead-letter, it cannot stop the reading.
 *
 * <ul>
 *   <li>A line ends at {@code \n}; one {@code \r} before it is dropped ({@code \r\n} files read the same).
 *       The last line needs no {@code \n}.
 *   <li>A UTF-8 byte-order mark ({@code EF BB BF}) at the start of the file is skipped; anywhere else
 *       it is part of its line.
 *   <li>A line longer than {@link #MAX_LINE_BYTES} is never held whole: its first {@link
 *       #KEPT_OF_LONG_LINE} bytes are kept, the rest is counted and hashed (SHA-256) while it is
 *       skipped up to the next {@code \n}.
 * </ul>
 *
 * <p>Hand-written because {@code BufferedReader.readLine} decodes (and throws on, or silently
 * replaces) bytes that are not UTF-8 and holds a line of any length in memory.
 */
final class JsonLineReader implements Closeable {

    /** The longest line read whole: 1 MiB. */
    static final int MAX_LINE_BYTES = io.reckon.jobs.records.InputLimits.MAX_LINE_BYTES;

    /** Bytes kept of a longer line, for its dead letter (which keeps no more than this either). */
    static final int KEPT_OF_LONG_LINE = 65_536;

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * One line: its 1-based number in the file, and its bytes without the line end. For a line over
     * {@link #MAX_LINE_BYTES}, {@code bytes} is only its start and {@code length} and {@code sha256}
     * describe the whole line.
     */
    record Line(long number, byte[] bytes, long length, String sha256) {

        boolean tooLong() {
            return length > MAX_LINE_BYTES;
        }
    }

    private final InputStream in;
    private final byte[] buffer = new byte[65_536];
    private int position;
    private int limit;
    private boolean started;
    private long number;

    /** The line being read: grows up to {@link #MAX_LINE_BYTES} + 1 bytes, no further. */
    private byte[] line = new byte[4096];

    JsonLineReader(InputStream in) {
        this.in = in;
    }

    /** The next line, or null at the end of the file. */
    Line next() throws IOException {
        if (!started) {
            started = true;
            skipByteOrderMark();
        }
        if (!fill()) {
            return null;
        }
        number++;
        int length = 0;
        while (true) {
            if (!fill()) {
                return whole(length);
            }
            int newline = indexOfNewline();
            int end = newline < 0 ? limit : newline;
            int take = end - position;
            if ((long) length + take > MAX_LINE_BYTES + 1L) {
                return tooLong(length);
            }
            ensureCapacity(length + take);
            System.arraycopy(buffer, position, line, length, take);
            length += take;
            position = end;
            if (newline >= 0) {
                position++;
                return whole(length);
            }
        }
    }

    private Line whole(int length) {
        int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        if (n > MAX_LINE_BYTES) {
            // Exactly one byte over: the line was held whole after all, but is still too long.
            byte[] all = Arrays.copyOf(line, n);
            return new Line(number, Arrays.copyOf(all, KEPT_OF_LONG_LINE), n, hex(sha256().digest(all)));
        }
        return new Line(number, Arrays.copyOf(line, n), n, null);
    }

    /**
     * Skips the rest of a line that has outgrown the limit, counting and hashing it. A {@code \r} is
     * held back one byte, so that the {@code \r} of a {@code \r\n} ending counts as neither length
     * nor content, as for a line read whole.
     */
    private Line tooLong(int held) throws IOException {
        MessageDigest digest = sha256();
        byte[] head = Arrays.copyOf(line, Math.min(held, KEPT_OF_LONG_LINE));
        long length = held;
        boolean pendingCr = held > 0 && line[held - 1] == '\r';
        digest.update(line, 0, pendingCr ? held - 1 : held);
        if (pendingCr) {
            length--;
        }
        // Shrink the line buffer again: one long line must not keep a megabyte for the rest of the file.
        line = new byte[4096];
        while (fill()) {
            int newline = indexOfNewline();
            int end = newline < 0 ? limit : newline;
            if (end > position) {
                if (pendingCr) {
                    digest.update((byte) '\r');
                    length++;
                }
                pendingCr = buffer[end - 1] == '\r';
                int n = end - position - (pendingCr ? 1 : 0);
                digest.update(buffer, position, n);
                length += n;
            }
            position = end;
            if (newline >= 0) {
                position++;
                break;
            }
        }
        return new Line(number, head, length, hex(digest.digest()));
    }

    private void skipByteOrderMark() throws IOException {
        // The three bytes may arrive in separate reads; fill until three are there or the file ends.
        while (limit - position < BOM.length) {
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                break;
            }
            limit += n;
        }
        if (limit - position >= BOM.length
                && buffer[position] == BOM[0]
                && buffer[position + 1] == BOM[1]
                && buffer[position + 2] == BOM[2]) {
            position += BOM.length;
        }
    }

    /** Whether a byte is there to read, reading more from the stream when the buffer is used up. */
    private boolean fill() throws IOException {
        while (position >= limit) {
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
        }
        return true;
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void ensureCapacity(int needed) {
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.min(Math.max(needed, line.length * 2), MAX_LINE_BYTES + 1));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
