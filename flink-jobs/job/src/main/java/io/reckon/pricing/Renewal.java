package io.reckon.pricing;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The contract's renewal: periods that start on or after {@code termEnd} pay every unit, flat and
 * package amount multiplied by (1 + escalatorPct / 100).
 *
 * @param termEnd first instant of the escalated term
 * @param escalatorPct price change in percent, e.g. 7 for +7 %, -5 for a renewal at 5 % less; at least
 *     -100
 */
public record Renewal(Instant termEnd, BigDecimal escalatorPct) {

    public Renewal {
        Checks.required(termEnd, "renewal.term_end");
        Checks.escalator(escalatorPct, "renewal.escalator_pct");
    }

    /** The exact price multiplier, 1 + escalatorPct / 100 (e.g. 1.07). */
    public BigDecimal multiplier() {
        return Pricer.multiplier(escalatorPct);
    }
}
