package io.reckon.cli;

import org.apache.flink.configuration.MemorySize;

/** Memory sizes given on the command line (64m, 2g), with an error a user can act on. */
final class MemorySizes {

    private MemorySizes() {}

    /**
     * The size {@code text} names, in Flink's notation.
     *
     * @throws IllegalArgumentException naming the text and {@code example} when it is not a size (a
     *     negative number, a unit Flink does not know, more bytes than a long holds); Flink's own
     *     message for those is about its parser ("text does not start with a number")
     */
    static MemorySize parse(String text, String example) {
        try {
            return MemorySize.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as " + example, e);
        }
    }
}
