package io.reckon.jobs.reconcile;

import java.math.BigDecimal;

/**
 * A run of consecutive hours with the same usage signal (spike or drop): one anomaly whose figures
 * grow while the run lasts, rather than one anomaly per hour.
 */
public class SignalEpisode {
    public String type;
    public long start;
    /** End of the last hour in the run (exclusive). */
    public long end;

    public BigDecimal actual = BigDecimal.ZERO;
    public BigDecimal reported = BigDecimal.ZERO;
    /** Sum of the baselines of the hours in the run. */
    public BigDecimal baseline = BigDecimal.ZERO;

    public SignalEpisode() {}
}
