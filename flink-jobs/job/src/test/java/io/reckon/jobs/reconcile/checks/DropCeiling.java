package io.reckon.jobs.reconcile.checks;

import io.reckon.jobs.reconcile.checks.HeldOutUsage.Incident;
import io.reckon.jobs.reconcile.checks.HeldOutUsage.Key;

/**
 * Drops counted against their ceiling ({@link DropOracle}): how many there were, how many the oracle
 * finds at the detector's probability and at ten times it, how many of the oracle's the detector found,
 * and the same for the drops whose baseline weeks held at most one incident at their hours.
 */
final class DropCeiling {

    int drops;
    int oracle;
    int oracleLoose;
    int detected;
    int clear;
    int clearDetected;

    /** Counts one drop of {@code key}, found by the detector or not. */
    void add(Key key, Incident drop, boolean found) {
        double evidence = DropOracle.evidence(key, drop);
        boolean findable = evidence < UsageDetector.DROP_ALPHA;
        boolean clearBaseline = DropOracle.echoes(key, drop) <= 1;
        drops++;
        oracle += findable ? 1 : 0;
        oracleLoose += evidence < 10 * UsageDetector.DROP_ALPHA ? 1 : 0;
        detected += findable && found ? 1 : 0;
        clear += findable && clearBaseline ? 1 : 0;
        clearDetected += findable && clearBaseline && found ? 1 : 0;
    }

    void addAll(DropCeiling other) {
        drops += other.drops;
        oracle += other.oracle;
        oracleLoose += other.oracleLoose;
        detected += other.detected;
        clear += other.clear;
        clearDetected += other.clearDetected;
    }

    /** The share of the drops the oracle finds at the detector's probability. */
    double ceiling() {
        return (double) oracle / drops;
    }

    /** The same at ten times the probability. */
    double looseCeiling() {
        return (double) oracleLoose / drops;
    }

    /** The share of the oracle's drops the detector found. */
    double detectedShare() {
        return (double) detected / oracle;
    }

    /** Detected / oracle at 1e-6 / oracle at 1e-5 / drops, then the same where the baseline was clear. */
    String counts() {
        return String.format("%d/%d/%d/%d (%d/%d)", detected, oracle, oracleLoose, drops, clearDetected, clear);
    }

    String summary() {
        return String.format(
                "%s: oracle %.1f %% at 1e-6, %.1f %% at 1e-5, detector %.1f %% of the oracle's (%.1f %% where at"
                        + " most one baseline week held an incident)",
                counts(), 100 * ceiling(), 100 * looseCeiling(), 100 * detectedShare(), 100.0 * clearDetected / clear);
    }
}
