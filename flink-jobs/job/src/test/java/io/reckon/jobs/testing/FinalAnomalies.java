package io.reckon.jobs.testing;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.records.AnomalyRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The final answer of a run: the last revision of every anomaly. What the spec (v1.1, "Arrival order")
 * requires to be the same in any arrival order is each anomaly's type, identity, quantities and
 * amounts, and whether it is resolved. An anomaly whose last revision is resolved says that its
 * condition does not hold, as an anomaly that never opened does: which of the two a run shows depends
 * on what it saw before the data was complete, so only anomalies that stand are compared in full, and
 * for an anomaly in both runs, whether it stands.
 */
public final class FinalAnomalies {

    private final Map<String, AnomalyRecord> last = new TreeMap<>();
    private final int revisions;
    private final Map<String, Integer> revisionsById = new TreeMap<>();
    private int mostPerEvaluation;
    private final List<String> finalityReversals = new ArrayList<>();
    private final List<String> revisionsOutOfOrder = new ArrayList<>();

    public FinalAnomalies(List<AnomalyRecord> revisions) {
        Map<String, Integer> perEvaluation = new HashMap<>();
        Set<String> finalOnce = new HashSet<>();
        for (AnomalyRecord r : revisions) {
            if (r.finalRevision) {
                finalOnce.add(r.anomalyId);
            } else if (finalOnce.contains(r.anomalyId)) {
                finalityReversals.add("revision " + r.revision + " not final after a final one: " + line(r));
            }
            AnomalyRecord before = last.get(r.anomalyId);
            if (r.revision != (before == null ? 1 : before.revision + 1)) {
                revisionsOutOfOrder.add("revision " + r.revision + " after "
                        + (before == null ? "none" : before.revision) + ": " + line(r));
            }
            if (before == null || r.revision > before.revision) {
                last.put(r.anomalyId, r);
            }
            revisionsById.merge(r.anomalyId, 1, Integer::sum);
            String evaluation = r.anomalyId + "@" + Math.floorDiv(r.eventTimeWatermark, HOUR_MS);
            mostPerEvaluation = Math.max(mostPerEvaluation, perEvaluation.merge(evaluation, 1, Integer::sum));
        }
        this.revisions = revisions.size();
    }

    /**
     * The most revisions one anomaly got in one evaluation: with the watermark in the same event-time
     * hour (evaluations run at the hours the watermark passes, and once at the end of the input).
     */
    public int mostRevisionsPerEvaluation() {
        return mostPerEvaluation;
    }

    /**
     * The revisions that are not final although an earlier revision of their anomaly was: `final`
     * never goes back (a late record changes a final anomaly with a final revision).
     */
    public List<String> finalityReversals() {
        return finalityReversals;
    }

    /**
     * The revisions that do not follow their anomaly's previous one by one (revision 1 first): a
     * consumer that keeps the highest revision would miss them.
     */
    public List<String> revisionsOutOfOrder() {
        return revisionsOutOfOrder;
    }

    public int revisions() {
        return revisions;
    }

    /**
     * The revisions of the anomalies that {@code other} emitted too ({@code shared}), or of those it
     * never emitted: what a run saw only while some of its records were still missing.
     */
    public int revisionsOf(FinalAnomalies other, boolean shared) {
        int n = 0;
        for (Map.Entry<String, Integer> e : revisionsById.entrySet()) {
            if (other.revisionsById.containsKey(e.getKey()) == shared) {
                n += e.getValue();
            }
        }
        return n;
    }

    /** How many anomalies this run emitted that {@code other} never did. */
    public int anomaliesNotIn(FinalAnomalies other) {
        int n = 0;
        for (String id : revisionsById.keySet()) {
            n += other.revisionsById.containsKey(id) ? 0 : 1;
        }
        return n;
    }

    /** The anomalies whose last revision is not resolved, each as a line of the compared fields. */
    public List<String> standing() {
        List<String> out = new ArrayList<>();
        for (AnomalyRecord r : last.values()) {
            if (!"resolved".equals(r.status)) {
                out.add(line(r));
            }
        }
        return out;
    }

    /** Differences from {@code other}: anomalies that stand in one run only or with other figures. */
    public List<String> differencesFrom(FinalAnomalies other) {
        List<String> diff = new ArrayList<>();
        List<String> mine = standing();
        List<String> theirs = other.standing();
        for (String s : mine) {
            if (!theirs.contains(s)) {
                diff.add("only here:  " + s);
            }
        }
        for (String s : theirs) {
            if (!mine.contains(s)) {
                diff.add("only there: " + s);
            }
        }
        for (Map.Entry<String, AnomalyRecord> e : last.entrySet()) {
            AnomalyRecord o = other.last.get(e.getKey());
            if (o != null && "resolved".equals(o.status) != "resolved".equals(e.getValue().status)) {
                diff.add("resolved in one run only: " + line(e.getValue()));
            }
        }
        return diff;
    }

    public boolean allFinal() {
        return last.values().stream().allMatch(r -> r.finalRevision);
    }

    static String line(AnomalyRecord r) {
        return r.type + " " + r.accountId + "/" + r.meter + " " + java.time.Instant.ofEpochMilli(r.periodStart) + ".."
                + java.time.Instant.ofEpochMilli(r.periodEnd) + " " + r.currency + " actual=" + plain(r.actualQuantity)
                + " reported=" + plain(r.reportedQuantity) + " expected=" + r.expectedAmountMinor + " priced="
                + r.pricedReportedAmountMinor + " billed=" + r.billedAmountMinor + " amount=" + r.amountMinor;
    }

    private static String plain(java.math.BigDecimal d) {
        return d == null ? "null" : d.stripTrailingZeros().toPlainString();
    }
}
