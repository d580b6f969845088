package io.reckon.actions;

/** The steps of an action's life, as written to {@code recon.actions} and the tables. */
public final class ActionStatus {

    public static final String PROPOSED = "proposed";
    public static final String APPROVED = "approved";
    public static final String EXECUTED = "executed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    private ActionStatus() {}

    /**
     * Order of steps within one anomaly revision, used so the latest-step table never moves back: a
     * replayed {@code proposed} cannot overwrite the {@code executed} written before a restore.
     */
    public static int rank(String status) {
        return switch (status) {
            case PROPOSED -> 1;
            case APPROVED -> 2;
            case SKIPPED -> 3;
            case FAILED -> 4;
            case EXECUTED -> 5;
            default -> throw new IllegalArgumentException("unknown action status " + status);
        };
    }
}
