package io.reckon.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * All contract versions of one account, and the rule that picks the version for a period (spec §2):
 * the highest {@code version} whose {@code effective_from} is at or before the period start. It then
 * applies to the whole period, even if another version becomes effective in the middle of it.
 *
 * <pre>{@code
 * ContractHistory history = new ContractHistory();
 * history.put(v1);
 * history.put(v2);
 * Optional<ContractVersion> terms = history.applicableTo(period.start());
 * }</pre>
 *
 * <p>Not thread-safe; meant to live inside one keyed operator.
 */
public final class ContractHistory {

    private final TreeMap<Integer, ContractVersion> byVersion = new TreeMap<>();

    /**
     * The last answer of {@link #applicableTo(long)}: the reconcile operator asks for the same period
     * start at every hourly tick of every meter of the account, and the walk allocates an {@code
     * Instant} and an {@code Optional} per version. Cleared by {@link #put}.
     */
    private long lastPeriodStart;

    private Optional<ContractVersion> lastApplicable;

    public ContractHistory() {}

    public static ContractHistory of(Iterable<ContractVersion> versions) {
        ContractHistory history = new ContractHistory();
        versions.forEach(history::put);
        return history;
    }

    /**
     * Adds a version. A version with the same number replaces the earlier one (a correction).
     *
     * @throws IllegalArgumentException when {@code v} belongs to another account than the versions
     *     already held
     */
    public void put(ContractVersion v) {
        if (!byVersion.isEmpty()) {
            String account = byVersion.firstEntry().getValue().accountId();
            if (!account.equals(v.accountId())) {
                throw new IllegalArgumentException(
                        "contract of account " + v.accountId() + " put into the history of account " + account);
            }
        }
        byVersion.put(v.version(), v);
        lastApplicable = null;
    }

    /** The version that applies to the period starting at {@code periodStart}, if any. */
    public Optional<ContractVersion> applicableTo(Instant periodStart) {
        return latestEffectiveAt(periodStart);
    }

    /** {@link #applicableTo(Instant)} of the period starting at {@code periodStartMs} (epoch millis). */
    public Optional<ContractVersion> applicableTo(long periodStartMs) {
        Optional<ContractVersion> last = lastApplicable;
        if (last != null && lastPeriodStart == periodStartMs) {
            return last;
        }
        Optional<ContractVersion> found = latestEffectiveAt(Instant.ofEpochMilli(periodStartMs));
        lastPeriodStart = periodStartMs;
        lastApplicable = found;
        return found;
    }

    /** The highest version effective at {@code t}. */
    public Optional<ContractVersion> latestEffectiveAt(Instant t) {
        for (ContractVersion v : byVersion.descendingMap().values()) {
            if (!v.effectiveFrom().isAfter(t)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** All versions, ascending by version number. */
    public List<ContractVersion> versions() {
        return Collections.unmodifiableList(new ArrayList<>(byVersion.values()));
    }

    public boolean isEmpty() {
        return byVersion.isEmpty();
    }
}
