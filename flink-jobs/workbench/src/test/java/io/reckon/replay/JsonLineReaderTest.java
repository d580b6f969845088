package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class JsonLineReaderTest {

    private static final int MAX = JsonLineReader.MAX_LINE_BYTES;

    @Test
    void splitsAtNewlinesDropsTheCarriageReturnOfCrLfAndNumbersEveryLine() throws IOException {
        List<JsonLineReader.Line> lines = read("a\r\n\nb\r\nc".getBytes(StandardCharsets.UTF_8));
        assertThat(lines).extracting(JsonLineReader.Line::number).containsExactly(1L, 2L, 3L, 4L);
        assertThat(lines).extracting(l -> text(l.bytes())).containsExactly("a", "", "b", "c");
        assertThat(lines).allMatch(l -> !l.tooLong() && l.sha256() == null);
    }

    @Test
    void anEmptyFileAndAFileOfOneNewlineHaveNoLineAndOneEmptyLine() throws IOException {
        assertThat(read(new byte[0])).isEmpty();
        assertThat(read("\n".getBytes(StandardCharsets.UTF_8)))
                .extracting(l -> l.bytes().length)
                .containsExactly(0);
    }

    @Test
    void aByteOrderMarkIsSkippedAtTheStartOfTheFileOnly() throws IOException {
        byte[] file = "\uFEFF{\"a\":1}\n\uFEFF{\"b\":2}\n".getBytes(StandardCharsets.UTF_8);
        List<JsonLineReader.Line> lines = read(file);
        assertThat(text(lines.get(0).bytes())).isEqualTo("{\"a\":1}");
        assertThat(text(lines.get(1).bytes())).isEqualTo("\uFEFF{\"b\":2}");
        // Also when the stream hands the mark over one byte at a time.
        assertThat(text(read(new OneByteAtATime(new ByteArrayInputStream(file)))
                        .get(0)
                        .bytes()))
                .isEqualTo("{\"a\":1}");
        // A file that is nothing but the mark has no line.
        assertThat(read(Arrays.copyOf(file, 3))).isEmpty();
    }

    @Test
    void bytesThatAreNotUtf8AreHandedOnAsTheyAre() throws IOException {
        byte[] file = {'{', (byte) 0xFF, (byte) 0xC0, '}', '\n'};
        assertThat(read(file).get(0).bytes()).containsExactly('{', (byte) 0xFF, (byte) 0xC0, '}');
    }

    @Test
    void aLineOfExactlyOneMebibyteIsReadWhole() throws IOException {
        byte[] line = filled(MAX, 'x');
        JsonLineReader.Line read =
                read(concat(line, "\r\nnext".getBytes(StandardCharsets.UTF_8))).get(0);
        assertThat(read.tooLong()).isFalse();
        assertThat(read.bytes()).hasSize(MAX);
    }

    @Test
    void aLongerLineKeepsItsStartLengthAndHashAndTheNextLineIsReadOnward() throws Exception {
        for (int length : new int[] {MAX + 1, MAX + 2, 3 * MAX + 12_345}) {
            byte[] line = filled(length, 'y');
            line[0] = '{';
            for (String ending : new String[] {"\n", "\r\n", ""}) {
                byte[] file = concat(
                        line, (ending + (ending.isEmpty() ? "" : "{\"next\":1}\n")).getBytes(StandardCharsets.UTF_8));
                List<JsonLineReader.Line> lines = read(new OneByteAtATime(new ByteArrayInputStream(file), 70_000));
                JsonLineReader.Line first = lines.get(0);
                assertThat(first.tooLong())
                        .as("%d bytes, ending %s", length, ending.length())
                        .isTrue();
                assertThat(first.length()).isEqualTo(length);
                assertThat(first.sha256()).isEqualTo(sha256(line));
                assertThat(first.bytes()).hasSize(JsonLineReader.KEPT_OF_LONG_LINE);
                assertThat(first.bytes()).isEqualTo(Arrays.copyOf(line, JsonLineReader.KEPT_OF_LONG_LINE));
                if (!ending.isEmpty()) {
                    assertThat(lines).hasSize(2);
                    assertThat(lines.get(1).number()).isEqualTo(2);
                    assertThat(text(lines.get(1).bytes())).isEqualTo("{\"next\":1}");
                }
            }
        }
    }

    @Test
    void aCarriageReturnInsideALongLineIsContentAndOnlyTheOneBeforeTheNewlineIsDropped() throws Exception {
        byte[] line = filled(MAX + 100, 'z');
        line[65_535] = '\r'; // at the end of the first read buffer
        line[MAX + 1] = '\r';
        byte[] file = concat(line, "\r\n".getBytes(StandardCharsets.UTF_8));
        JsonLineReader.Line read = read(file).get(0);
        assertThat(read.length()).isEqualTo(line.length);
        assertThat(read.sha256()).isEqualTo(sha256(line));
    }

    @Test
    void aLineLargerThanTheHeapIsSkippedInBoundedMemory() throws IOException {
        // Held whole, this line could not fit: it is longer than the whole heap of this JVM.
        long length = Runtime.getRuntime().maxMemory() + (64L << 20);
        InputStream huge = new InputStream() {
            long left = length;
            boolean newlineSent;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left > 0) {
                    int n = (int) Math.min(len, left);
                    Arrays.fill(b, off, off + n, (byte) 'q');
                    left -= n;
                    return n;
                }
                if (!newlineSent) {
                    newlineSent = true;
                    b[off] = '\n';
                    return 1;
                }
                return -1;
            }
        };
        try (JsonLineReader reader = new JsonLineReader(huge)) {
            JsonLineReader.Line line = reader.next();
            assertThat(line.tooLong()).isTrue();
            assertThat(line.length()).isEqualTo(length);
            assertThat(line.bytes()).hasSize(JsonLineReader.KEPT_OF_LONG_LINE);
            assertThat(reader.next()).isNull();
        }
    }

    /** Lines joined again with their newlines give back the file (no mark, no CR, no long line). */
    @Property(tries = 300)
    void readingAndJoiningGivesBackTheFile(@ForAll @Size(max = 5000) byte[] file) throws IOException {
        byte[] plain = file.clone();
        for (int i = 0; i < plain.length; i++) {
            if (plain[i] == '\r') {
                plain[i] = 'r';
            }
        }
        if (plain.length >= 3 && plain[0] == (byte) 0xEF && plain[1] == (byte) 0xBB && plain[2] == (byte) 0xBF) {
            plain[0] = 'x';
        }
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        List<JsonLineReader.Line> lines = read(plain);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i).number()).isEqualTo(i + 1);
            joined.write(lines.get(i).bytes());
            joined.write('\n');
        }
        byte[] expected =
                plain.length == 0 || plain[plain.length - 1] == '\n' ? plain : concat(plain, new byte[] {'\n'});
        assertThat(joined.toByteArray()).isEqualTo(expected);
    }

    private static List<JsonLineReader.Line> read(byte[] file) throws IOException {
        return read(new ByteArrayInputStream(file));
    }

    private static List<JsonLineReader.Line> read(InputStream in) throws IOException {
        List<JsonLineReader.Line> lines = new ArrayList<>();
        try (JsonLineReader reader = new JsonLineReader(in)) {
            for (JsonLineReader.Line l = reader.next(); l != null; l = reader.next()) {
                lines.add(l);
            }
        }
        return lines;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Hands over at most {@code chunk} bytes per read, as a slow stream or a pipe does. */
    private static final class OneByteAtATime extends FilterInputStream {
        private final int chunk;

        OneByteAtATime(InputStream in) {
            this(in, 1);
        }

        OneByteAtATime(InputStream in, int chunk) {
            super(in);
            this.chunk = chunk;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, chunk));
        }
    }
}
