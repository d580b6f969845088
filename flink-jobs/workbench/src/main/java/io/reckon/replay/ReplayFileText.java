package io.reckon.replay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.input.ReaderInputStream;

/**
 * A replay file's bytes as UTF-8, the encoding of JSON Lines. A file that starts with a UTF-16
 * byte-order mark ({@code FF FE} or {@code FE FF}: what Windows PowerShell's {@code >} and the
 * "Unicode" of Windows editors write) is decoded from UTF-16 and read as the same text in UTF-8, so
 * that its lines are its lines and its records are read. Any other file is read as it is: a line in
 * it that is not UTF-8 is dead-lettered by the loader.
 *
 * <p>Malformed UTF-16 (a surrogate without its pair, an odd last byte) is decoded as U+0000, which no
 * JSON line may hold raw, so that its line is dead-lettered as invalid JSON: the usual replacement
 * character would be read as part of an id, a record changed instead of refused.
 */
final class ReplayFileText {

    private ReplayFileText() {}

    static InputStream utf8(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        boolean utf16 = (first == 0xFF && second == 0xFE) || (first == 0xFE && second == 0xFF);
        if (!utf16) {
            return in;
        }
        // UTF-16 reads the byte-order mark, takes the byte order from it and drops it.
        CharsetDecoder decoder = StandardCharsets.UTF_16
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith("\u0000");
        return ReaderInputStream.builder()
                .setReader(new InputStreamReader(in, decoder))
                .setCharset(StandardCharsets.UTF_8)
                .get();
    }
}
