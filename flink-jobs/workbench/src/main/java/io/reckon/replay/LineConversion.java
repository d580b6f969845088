package io.reckon.replay;

import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.jobs.sources.InputKind;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;

/**
 * What becomes of one line of a JSON Lines input: converted, or refused with a reason. No line can
 * end otherwise: every failure a line can cause is turned into a reason here, so one bad line never
 * stops a replay. A blank line is refused too ("line 7 is blank"): it holds no record, and counting
 * it keeps lines read = valid + dead-lettered true of the file as a reader counts its lines.
 */
final class LineConversion {

    /** The outcome of one line. */
    sealed interface Outcome permits Valid, Invalid {}

    record Valid(JsonInputs.Converted converted) implements Outcome {}

    record Invalid(String reason) implements Outcome {}

    /** Reasons of failures no rule foresaw start with this; tests assert that none occurs. */
    static final String UNFORESEEN = "cannot convert the line: ";

    private LineConversion() {}

    static Outcome convert(InputKind kind, JsonLineReader.Line line) {
        if (line.tooLong()) {
            return new Invalid(String.format(
                    "line %d is %,d bytes long, more than the limit of %,d bytes",
                    line.number(), line.length(), JsonLineReader.MAX_LINE_BYTES));
        }
        String text;
        try {
            text = strictUtf8().decode(ByteBuffer.wrap(line.bytes())).toString();
        } catch (CharacterCodingException e) {
            return new Invalid("line " + line.number() + " is not valid UTF-8");
        }
        if (text.isBlank()) {
            return new Invalid("line " + line.number() + " is blank");
        }
        try {
            return new Valid(JsonInputs.convert(kind, text));
        } catch (InvalidRecordException | AvroRuntimeException e) {
            // AvroRuntimeException: a builder refusing a value its schema cannot hold.
            return new Invalid(e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage());
        } catch (RuntimeException e) {
            // A bug, not the input's fault; still, one line must not stop the run. The property tests
            // of this class assert that no line ends here.
            return new Invalid(UNFORESEEN + e);
        }
    }

    /** A decoder that reports malformed input instead of replacing it (decoders are not thread-safe). */
    private static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
