package io.reckon.bench;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One UNDER_REPORTED_USAGE finding as both jobs state it at the close of a period: the key, the
 * period, the quantities compared and the amount. Decimals are normalised (trailing zeros stripped)
 * so that 12.50 and 12.5 compare equal, as the same quantity.
 */
public record BenchFinding(
        String accountId, String meter, long periodStart, BigDecimal actual, BigDecimal reported, long amountMinor)
        implements Comparable<BenchFinding> {

    public BenchFinding {
        actual = normalise(actual);
        reported = normalise(reported);
    }

    private static BigDecimal normalise(BigDecimal d) {
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }

    @Override
    public int compareTo(BenchFinding o) {
        int c = accountId.compareTo(o.accountId);
        if (c == 0) {
            c = meter.compareTo(o.meter);
        }
        return c != 0 ? c : Long.compare(periodStart, o.periodStart);
    }

    @Override
    public String toString() {
        return accountId + "/" + meter + " " + Instant.ofEpochMilli(periodStart) + " actual " + actual.toPlainString()
                + " reported " + reported.toPlainString() + " amount " + amountMinor;
    }
}
