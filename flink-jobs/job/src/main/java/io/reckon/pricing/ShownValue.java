package io.reckon.pricing;

/** A value as a reason shows it: cut to 64 characters, so a reason stays readable and ends as written. */
public final class ShownValue {

    private static final int SHOWN_CHARS = 64;

    private ShownValue() {}

    /** {@code value}, or its first 64 characters, an ellipsis and its length. */
    public static String of(String value) {
        if (value.length() <= SHOWN_CHARS) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(SHOWN_CHARS - 1)) ? SHOWN_CHARS - 1 : SHOWN_CHARS;
        return value.substring(0, end) + "\u2026 (" + value.length() + " characters)";
    }
}
