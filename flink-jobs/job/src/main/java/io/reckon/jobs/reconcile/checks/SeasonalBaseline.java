package io.reckon.jobs.reconcile.checks;

/** How far back a usage verdict reads (see {@link UsageDetector}). */
public final class SeasonalBaseline {

    public static final int WEEKS = UsageDetector.WEEKS;
    /**
     * The history an hour's verdict needs: 4 weeks (and an hour) before it. A key's first usage
     * therefore makes the hours from 4 weeks after it judgeable.
     */
    public static final long HISTORY_MS = WEEKS * UsageDetector.WEEK_MS;

    private SeasonalBaseline() {}
}
