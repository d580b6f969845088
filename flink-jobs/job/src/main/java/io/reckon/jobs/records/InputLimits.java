package io.reckon.jobs.records;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The maximum sizes of what an input record may hold, in one place: the Avro decoders, the CloudEvents
 * decoder and the replay loader check a record against these before any arithmetic on its values, so
 * that no record can cost unbounded memory or time, nor make a sink refuse a row (PostgreSQL's btree
 * index entries stop at about 2.7 KB, Kafka's records at 1 MB). docs/reconciliation.md ("Bad input")
 * lists them.
 *
 * <ul>
 *   <li>ids and names (event_id, report_id, line_id, invoice_id, account_id, meter, contract ids):
 *       {@link #MAX_ID_BYTES} bytes of UTF-8;
 *   <li>usage attributes: {@link #MAX_ATTRIBUTES_CHARS} characters of keys and values together;
 *   <li>decimals: at most {@link #MAX_DECIMAL_DIGITS} digits before and after the decimal point,
 *       judged on precision and scale alone (never on the value written out); a JSON number or decimal
 *       string of at most {@link #MAX_NUMBER_CHARS} characters;
 *   <li>quantities: below {@link #MAX_QUANTITY} units per record;
 *   <li>an invoice line's amount: below {@link #MAX_AMOUNT_MINOR} minor units either way;
 *   <li>replay lines: {@link #MAX_LINE_BYTES} bytes.
 * </ul>
 */
public final class InputLimits {

    /**
     * Longest id or name, in bytes of UTF-8. Far above any id a billing system issues (Stripe's are
     * under 64 characters) and well below what PostgreSQL can index: a primary key of
     * (account_id, meter, ...) then always fits in a btree entry.
     */
    public static final int MAX_ID_BYTES = 256;

    /** Larger attribute maps are a producer bug; they would bloat every record of the stream. */
    public static final int MAX_ATTRIBUTES_CHARS = 16_384;

    /** Longest JSON number token, and longest decimal written as a string, in characters. */
    public static final int MAX_NUMBER_CHARS = 100;

    /** Most digits of a decimal before, and after, its decimal point: the precision of the Avro decimals. */
    public static final int MAX_DECIMAL_DIGITS = 38;

    /**
     * Far beyond any real meter reading, and low enough that a period's sums of such records stay
     * within the sink tables' numeric(38, 9) and the Avro contract's precision 38.
     */
    public static final BigDecimal MAX_QUANTITY = BigDecimal.TEN.pow(18);

    /**
     * An invoice line's {@code amount_minor} lies strictly between minus and plus this: 10^16 dollars
     * in cents, beyond any invoice, and far enough inside a long that a line, or the difference of a
     * price and a line, never wraps (a period's sum of many such lines still may; that period's
     * billing is then dead-lettered, docs/reconciliation.md).
     */
    public static final long MAX_AMOUNT_MINOR = 1_000_000_000_000_000_000L;

    /** The longest replay line read whole: 1 MiB. */
    public static final int MAX_LINE_BYTES = 1 << 20;

    /**
     * A decimal written as text: an optional sign, ASCII digits with an optional fraction, an optional
     * exponent. {@link BigDecimal#BigDecimal(String)} alone would also take any other script's digits
     * ({@code "١٢"} and the full-width {@code "１２"} read as 12), which no billing system accepts.
     */
    private static final Pattern DECIMAL_TEXT =
            Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

    private InputLimits() {}

    /**
     * Refuses an id or name that is empty, only spaces (any Unicode space, U+00A0 and U+3000 too: no
     * one can tell such ids apart on a page), holds a control character (U+0000 to U+001F, U+007F to
     * U+009F: the key joins its parts with U+001F) or a surrogate without its pair, or is longer than
     * {@link #MAX_ID_BYTES} bytes of UTF-8. Only the first characters of a long value appear in the
     * reason. One pass over the chars: every usage and report record checks three of these strings.
     */
    public static void id(String field, String value) throws InvalidRecordException {
        if (value == null || value.isEmpty()) {
            throw new InvalidRecordException(field + " is empty");
        }
        // A char is at most 3 bytes of UTF-8 (a surrogate pair is 4 for 2 chars): the cheap bound first.
        if ((long) value.length() * 3 > MAX_ID_BYTES) {
            int bytes = utf8Length(value);
            if (bytes > MAX_ID_BYTES) {
                throw new InvalidRecordException(field + " is " + bytes + " bytes long, more than the limit of "
                        + MAX_ID_BYTES + " bytes: '" + JsonFields.shown(value) + "'");
            }
        }
        boolean onlySpaces = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isControl(c)) {
                throw new InvalidRecordException(field + " contains a control character");
            }
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c)
                        || i + 1 == value.length()
                        || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw unpaired(field, value, i);
                }
                i++;
                onlySpaces = false;
            } else if (onlySpaces && !Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                onlySpaces = false;
            }
        }
        if (onlySpaces) {
            throw new InvalidRecordException(field + " is blank: it holds only spaces");
        }
    }

    /**
     * Refuses text that is not a sequence of Unicode characters: a UTF-16 surrogate without its pair.
     * Bytes that are not UTF-8 are refused before any string is made of them, so only a JSON escape of
     * one (U+D800 to U+DFFF written alone) puts one into a string. UTF-8 has no form for it, and every
     * encoder writes it as {@code ?}: kept, the ids "e-" + U+D800, "e-" + U+DBFF and "e-?" would become
     * one id on the way to Avro, and distinct records would count once.
     */
    public static String unicode(String field, String value) throws InvalidRecordException {
        int at = unpairedSurrogate(value);
        if (at >= 0) {
            throw unpaired(field, value, at);
        }
        return value;
    }

    private static InvalidRecordException unpaired(String field, String value, int at) {
        return new InvalidRecordException(field + " is not valid Unicode: an unpaired surrogate \\u"
                + Integer.toHexString(value.charAt(at)) + " at character " + (at + 1));
    }

    /** Where the first surrogate without its pair is in {@code value}, or -1. */
    static int unpairedSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** An optional id: null passes, anything else must pass {@link #id}. */
    public static void optionalId(String field, String value) throws InvalidRecordException {
        if (value != null) {
            id(field, value);
        }
    }

    /**
     * Ids and names may not contain control characters: U+0000 to U+001F, U+007F and the C1 controls
     * U+0080 to U+009F (Unicode's Cc category, {@link Character#isISOControl}; U+0085 is a line break
     * to some readers). A loop over the chars, not a regex, because every usage and report record
     * checks three of these strings.
     */
    public static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (isControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }

    static int utf8Length(String value) {
        // Bounded by the caller's cheap check: a value reaching here is long, so count without copying.
        int bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The number of UTF-8 bytes of {@code value}, for a reason or a test. */
    public static int utf8Bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * {@code d} if it lies within the bounds, judged on its precision and scale only: neither is
     * arithmetic on the value, whose exponent may be in the billions ({@code 1e999999999} written out
     * would take a gigabyte, {@code setScale} on it as much, and {@code stripTrailingZeros} of
     * {@code 1e10000000} runs for hours). A value whose precision itself is over {@link
     * #MAX_NUMBER_CHARS} digits is refused before anything else looks at it. Stripping trailing zeros
     * then costs at most one step per digit. Reasons show the value in scientific notation when it
     * is large, never written out in full.
     */
    public static BigDecimal decimal(String field, BigDecimal d) throws InvalidRecordException {
        if (d.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (d.precision() > MAX_NUMBER_CHARS) {
            throw new InvalidRecordException(
                    field + " has " + d.precision() + " digits, more than the limit of " + MAX_NUMBER_CHARS);
        }
        if ((long) d.precision() - d.scale() > MAX_DECIMAL_DIGITS) {
            throw new InvalidRecordException(field + " " + d + " is out of range: more than " + MAX_DECIMAL_DIGITS
                    + " digits before the decimal point");
        }
        if (d.scale() > MAX_DECIMAL_DIGITS) {
            BigDecimal stripped = d.stripTrailingZeros();
            if (stripped.scale() > MAX_DECIMAL_DIGITS) {
                throw new InvalidRecordException(field + " " + d + " is out of range: more than " + MAX_DECIMAL_DIGITS
                        + " digits after the decimal point");
            }
            return stripped;
        }
        return d;
    }

    /**
     * The decimal {@code text} spells, within the bounds of {@link #decimal(String, BigDecimal)}.
     * White space around it is ignored; anything else that is not the ASCII grammar of a decimal
     * ({@link #DECIMAL_TEXT}) is refused with a reason that names {@code field}. The text's length is
     * checked first, so the pattern never runs on more than {@link #MAX_NUMBER_CHARS} characters.
     */
    public static BigDecimal decimalText(String field, String text) throws InvalidRecordException {
        String t = text.strip();
        if (t.length() > MAX_NUMBER_CHARS) {
            throw new InvalidRecordException(
                    field + " is " + t.length() + " characters long, more than " + MAX_NUMBER_CHARS);
        }
        if (!DECIMAL_TEXT.matcher(t).matches()) {
            throw new InvalidRecordException(field + " is not a number: '" + t + "'");
        }
        try {
            return decimal(field, new BigDecimal(t));
        } catch (NumberFormatException e) {
            // The grammar holds, so only an exponent beyond the range of an int gets here: no
            // BigDecimal has it.
            throw new InvalidRecordException(field + " is not a number: '" + t + "'");
        }
    }
}
