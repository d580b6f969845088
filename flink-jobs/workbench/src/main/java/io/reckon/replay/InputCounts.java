package io.reckon.replay;

import io.reckon.jobs.sources.InputKind;
import java.util.Map;

/**
 * Per-input counts of a replay. read = valid + dead-lettered holds for every input: a line the loader
 * cannot convert is dead-lettered by the loader, every other line is read by the job, which either
 * accepts it or dead-letters it.
 */
public record InputCounts(
        InputKind input, long read, long valid, long deadLettered, long duplicates, long unmapped, long late) {

    /**
     * @param fromFile whether the input was loaded from a file; without one its records were in the
     *     topic before the run (CloudEvents usage, inputs another job wrote), and what the job read is
     *     what there was
     */
    static InputCounts of(
            InputKind kind, boolean fromFile, long lines, long loaderDeadLetters, Map<String, Object> accumulators) {
        String p = (kind == InputKind.INVOICES ? "invoices" : kind.label()) + ".";
        if (!fromFile) {
            // Replay has no file for this input (CloudEvents usage never has one; the demo's Stripe ingest
            // writes invoices and reported usage itself). CloudEvents' duplicates, unmapped and late
            // records are counted with usage, which it joins before deduplication.
            lines = count(accumulators, p + "read");
        }
        // A record rejected by the reconciliation (later than the retention, wrong currency) passed
        // decoding, where it was counted valid: it counts as dead-lettered only.
        long rejected = count(accumulators, p + "rejected");
        return new InputCounts(
                kind,
                lines,
                count(accumulators, p + "valid") - rejected,
                loaderDeadLetters + count(accumulators, p + "dead_lettered") + rejected,
                count(accumulators, p + "duplicates"),
                count(accumulators, p + "unmapped"),
                count(accumulators, p + "late"));
    }

    private static long count(Map<String, Object> accumulators, String name) {
        Object v = accumulators.get(name);
        return v == null ? 0 : ((Number) v).longValue();
    }

    public boolean balanced() {
        return read == valid + deadLettered;
    }
}
