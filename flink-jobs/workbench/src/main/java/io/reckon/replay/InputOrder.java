package io.reckon.replay;

import java.util.Locale;

/** The order in which replay produces each input into its topic. */
public enum InputOrder {
    /**
     * Each input ordered by event time (usage and reports by {@code event_time}, invoice lines by
     * {@code period_end}; contracts keep file order), ties in file order: the answer does not depend
     * on how the files are ordered.
     */
    EVENT_TIME("event-time"),
    /** File order, as the lines arrive: exercises arrival order (late and out-of-order records). */
    FILE("file");

    private final String label;

    InputOrder(String label) {
        this.label = label;
    }

    /** The name on the command line: {@code event-time} or {@code file}. */
    public String label() {
        return label;
    }

    /** The order named {@code label} (case-insensitive). */
    public static InputOrder parse(String label) {
        String l = label.trim().toLowerCase(Locale.ROOT);
        for (InputOrder o : values()) {
            if (o.label.equals(l)) {
                return o;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not an input order (event-time or file)");
    }

    @Override
    public String toString() {
        return label;
    }
}
