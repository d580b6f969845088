package io.reckon.demo;

import io.reckon.demo.DemoWorkload.TruthEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scores the anomalies a replay emitted against the truth of a {@link DemoWorkload}: per anomaly
 * type, what was injected, what was found, precision, recall, the money found against the money
 * leaked and how long after the leak became visible (in event time) the job raised it.
 *
 * <p>An anomaly is identified by (type, account_id, meter, period_start). For the leak types its last
 * revision (highest {@code revision}) decides: it counts as a finding unless that revision's status
 * is {@code resolved}, because a leak is what the settled figures say. For the signals
 * (REPORTING_GAP, USAGE_SPIKE, USAGE_DROP) any revision that is not resolved makes it count: a
 * signal is a real-time alert, and one that was raised was a detection even when a later backfill
 * resolved it (the injected reporting gaps are caught up that way); its amount is that of its last
 * revision that is not resolved. The detection time is the {@code event_time_watermark} of the
 * first revision that is not resolved.
 *
 * <p>UPSELL_OPPORTUNITY, a sales signal, is scored like the leak types (its last revision decides) but
 * listed apart, after the leaks' total, and left out of it: its amount is what the usage beyond the
 * plan is worth, not money leaked.
 *
 * <p>False signal rate: a raised signal that matches no truth entry is a false signal. The report
 * gives their number per signal type, how many are on keys without an injected case of that type,
 * how many start at or after the end of the workload's usage (the input ends; the job sees usage
 * drop to nothing), and the rate per key-hour judged. For USAGE_SPIKE and USAGE_DROP that is, for
 * every key, the hours up to the end of the input that the job's detector judges, neither too young
 * nor too sparse ({@link DemoWorkload.Truth#keyHoursJudged()}). Counting the hours it skips would make
 * the rate look better than the detector is. REPORTING_GAP runs on every hour, so its denominator is every
 * key's hours from its first usage to the end of its last billing period ({@link
 * DemoWorkload.Truth#gapKeyHours()}).
 *
 * <pre>{@code
 * DemoReport report = DemoReport.score(workload.truth(), Path.of("out/anomalies.jsonl"));
 * System.out.println(report.render());
 * double recall = report.type("UNDER_REPORTED_USAGE").recall().orElse(0);
 * }</pre>
 */
public final class DemoReport {

    /** The leak types of spec §4, scored as findings. */
    public static final List<String> LEAK_TYPES = List.of(
            "UNDER_REPORTED_USAGE",
            "OVER_REPORTED_USAGE",
            "UNBILLED_USAGE",
            "RENEWAL_DRIFT",
            "MISSED_OVERAGE",
            "OVERBILLED");

    /**
     * Sales signals (UPSELL_OPPORTUNITY, raised only when {@code reconcile.upsell-enabled} is on): no
     * leak and no false positive; scored apart against truth of their own type when the truth has some,
     * otherwise counted with how many carry amount 0.
     */
    public static final List<String> OPPORTUNITY_TYPES = List.of("UPSELL_OPPORTUNITY");

    /** Signals: scored only when truth for them is given, otherwise counted. */
    public static final List<String> SIGNAL_TYPES = List.of("REPORTING_GAP", "USAGE_SPIKE", "USAGE_DROP");

    /** Watermarks this far out are the end-of-input watermark of a bounded replay, not an hour. */
    private static final Instant END_OF_INPUT = Instant.parse("9000-01-01T00:00:00Z");

    /** What an anomaly is about; the same identity across revisions. */
    public record Identity(String type, String accountId, String meter, Instant periodStart) {}

    /**
     * One anomaly as its revisions leave it.
     *
     * @param lastRevision the highest revision read
     * @param lastStatus the status of that revision: open, updated or resolved
     * @param amountMinor the amount of the last revision
     * @param detectedWatermark event_time_watermark of the first revision that is not resolved, or
     *     null when every revision is resolved
     */
    public record Finding(
            Identity identity,
            int lastRevision,
            String lastStatus,
            long amountMinor,
            String currency,
            boolean isFinal,
            Instant detectedWatermark) {

        /** A leak counts unless its last revision is resolved; a signal once any revision was not. */
        public boolean counts() {
            return SIGNAL_TYPES.contains(identity.type()) ? detectedWatermark != null : !"resolved".equals(lastStatus);
        }
    }

    /**
     * Signals that match no truth entry, of one type.
     *
     * @param total raised signals without a truth entry
     * @param onKeysWithoutCase those on keys (account, meter) with no injected case of the type
     * @param afterInputEnd those starting at or after the end of the workload's usage
     * @param keyHoursJudged the denominator of the rate; 0 when unknown
     */
    public record FalseSignals(String type, int total, int onKeysWithoutCase, int afterInputEnd, long keyHoursJudged) {

        /** False signals per key-hour judged; empty when the key-hours are unknown. */
        public OptionalDouble rate() {
            return keyHoursJudged == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) total / keyHoursJudged);
        }
    }

    /**
     * The score of one anomaly type.
     *
     * @param injected number of truth entries of the type
     * @param found number of anomalies of the type whose last revision is not resolved
     * @param truePositives found anomalies with a truth entry
     * @param injectedAmount sum of the truth amounts, per currency
     * @param foundAmount sum of the found anomalies' amounts, per currency
     * @param truePositiveAmount sum of the true positives' amounts (as the job computed them)
     * @param latencies detection latency of each true positive with a real watermark:
     *     detected watermark - detectableAt
     * @param detectedAtEndOfInput true positives first raised by the end-of-input watermark
     */
    public record TypeScore(
            String type,
            int injected,
            int found,
            int truePositives,
            Map<String, Long> injectedAmount,
            Map<String, Long> foundAmount,
            Map<String, Long> truePositiveAmount,
            List<Duration> latencies,
            int detectedAtEndOfInput) {

        /** True positives / found; empty when nothing was found. */
        public OptionalDouble precision() {
            return found == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) truePositives / found);
        }

        /** True positives / injected; empty when nothing was injected. */
        public OptionalDouble recall() {
            return injected == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) truePositives / injected);
        }

        public Optional<Duration> medianLatency() {
            if (latencies.isEmpty()) {
                return Optional.empty();
            }
            List<Duration> sorted = latencies.stream().sorted().toList();
            int mid = sorted.size() / 2;
            return Optional.of(
                    sorted.size() % 2 == 1
                            ? sorted.get(mid)
                            : sorted.get(mid - 1).plus(sorted.get(mid)).dividedBy(2));
        }

        public Optional<Duration> maxLatency() {
            return latencies.stream().max(Comparator.naturalOrder());
        }

        boolean isSignalWithoutTruth() {
            return injected == 0 && SIGNAL_TYPES.contains(type);
        }
    }

    /** A found anomaly with no truth, or a truth entry with no finding; for debugging a score. */
    public record Mismatch(Identity identity, long amountMinor, String currency, String note) {}

    private final Map<String, TypeScore> scores;
    private final Map<String, FalseSignals> falseSignals;
    private final List<Mismatch> falsePositives;
    private final List<Mismatch> missed;
    private final int revisionsRead;
    private final int anomaliesRead;
    private final int unreadableLines;
    private final Map<String, Integer> zeroAmounts = new TreeMap<>();

    private DemoReport(
            Map<String, TypeScore> scores,
            Map<String, FalseSignals> falseSignals,
            List<Mismatch> falsePositives,
            List<Mismatch> missed,
            int revisionsRead,
            int anomaliesRead,
            int unreadableLines) {
        this.scores = scores;
        this.falseSignals = falseSignals;
        this.falsePositives = falsePositives;
        this.missed = missed;
        this.revisionsRead = revisionsRead;
        this.anomaliesRead = anomaliesRead;
        this.unreadableLines = unreadableLines;
    }

    /**
     * Scores the anomalies file (one JSON object per revision, spec §4) against the truth. Given a
     * {@link DemoWorkload.Truth} (what {@link DemoWorkload#truth()} returns) it also rates the false
     * signals per key-hour judged; for a plain list the rate is n/a.
     */
    public static DemoReport score(List<TruthEntry> truth, Path anomaliesJsonl) {
        List<String> lines;
        try {
            lines = Files.readAllLines(anomaliesJsonl, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + anomaliesJsonl, e);
        }
        return score(truth, lines);
    }

    static DemoReport score(List<TruthEntry> truth, List<String> anomalyLines) {
        long keyHours = truth instanceof DemoWorkload.Truth t ? t.keyHoursJudged() : 0;
        long gapKeyHours = truth instanceof DemoWorkload.Truth t ? t.gapKeyHours() : 0;
        Instant inputEnd = truth instanceof DemoWorkload.Truth t ? t.inputEnd() : null;
        RevisionsRead read = RevisionsRead.of(anomalyLines);
        Map<Identity, Finding> findings = read.findings();
        Map<Identity, TruthEntry> truthById = new LinkedHashMap<>();
        for (TruthEntry t : truth) {
            truthById.put(new Identity(t.type(), t.accountId(), t.meter(), t.periodStart()), t);
        }

        Set<String> types = new java.util.LinkedHashSet<>(LEAK_TYPES);
        types.addAll(SIGNAL_TYPES);
        truth.forEach(t -> types.add(t.type()));
        findings.keySet().forEach(id -> types.add(id.type()));

        Map<String, TypeScore> scores = new LinkedHashMap<>();
        for (String type : types) {
            scores.put(type, scoreType(type, truthById, findings));
        }

        Set<String> keysWithCase = new java.util.HashSet<>();
        truth.forEach(t -> keysWithCase.add(t.type() + '\u0000' + t.accountId() + '\u0000' + t.meter()));
        Map<String, FalseSignals> falseSignals = new LinkedHashMap<>();
        for (String type : SIGNAL_TYPES) {
            int total = 0;
            int onCleanKeys = 0;
            int afterEnd = 0;
            for (Finding f : findings.values()) {
                Identity id = f.identity();
                if (!id.type().equals(type) || !f.counts() || truthById.containsKey(id)) {
                    continue;
                }
                total++;
                if (!keysWithCase.contains(type + '\u0000' + id.accountId() + '\u0000' + id.meter())) {
                    onCleanKeys++;
                }
                if (inputEnd != null && !id.periodStart().isBefore(inputEnd)) {
                    afterEnd++;
                }
            }
            falseSignals.put(
                    type,
                    new FalseSignals(
                            type, total, onCleanKeys, afterEnd, type.equals(SignalRules.GAP) ? gapKeyHours : keyHours));
        }

        // False signals are summed up per type above; listing thousands of them would bury the leaks.
        List<Mismatch> falsePositives = new ArrayList<>();
        findings.values().stream()
                .filter(Finding::counts)
                .filter(f -> !truthById.containsKey(f.identity()))
                .filter(f -> !SIGNAL_TYPES.contains(f.identity().type()))
                .filter(f -> !OPPORTUNITY_TYPES.contains(f.identity().type()))
                .sorted(Comparator.comparing(f -> sortKey(f.identity())))
                .forEach(f -> falsePositives.add(new Mismatch(
                        f.identity(),
                        f.amountMinor(),
                        f.currency(),
                        "revision " + f.lastRevision() + ", " + f.lastStatus() + (f.isFinal() ? ", final" : ""))));
        List<Mismatch> missed = new ArrayList<>();
        truthById.values().stream()
                .sorted(Comparator.comparing(
                        t -> sortKey(new Identity(t.type(), t.accountId(), t.meter(), t.periodStart()))))
                .forEach(t -> {
                    Identity id = new Identity(t.type(), t.accountId(), t.meter(), t.periodStart());
                    Finding f = findings.get(id);
                    if (f == null || !f.counts()) {
                        missed.add(new Mismatch(
                                id,
                                t.amountMinor(),
                                t.currency(),
                                f == null ? "never raised" : "resolved at revision " + f.lastRevision()));
                    }
                });
        DemoReport report = new DemoReport(
                scores, falseSignals, falsePositives, missed, read.revisions(), findings.size(), read.unreadable());
        findings.values().stream()
                .filter(Finding::counts)
                .filter(f -> OPPORTUNITY_TYPES.contains(f.identity().type()) && f.amountMinor() == 0)
                .forEach(f -> report.zeroAmounts.merge(f.identity().type(), 1, Integer::sum));
        return report;
    }

    private static TypeScore scoreType(
            String type, Map<Identity, TruthEntry> truthById, Map<Identity, Finding> findings) {
        int injected = 0;
        Map<String, Long> injectedAmount = new TreeMap<>();
        for (TruthEntry t : truthById.values()) {
            if (t.type().equals(type)) {
                injected++;
                injectedAmount.merge(t.currency() == null ? "?" : t.currency(), t.amountMinor(), Long::sum);
            }
        }
        int found = 0;
        int truePositives = 0;
        int atEnd = 0;
        Map<String, Long> foundAmount = new TreeMap<>();
        Map<String, Long> tpAmount = new TreeMap<>();
        List<Duration> latencies = new ArrayList<>();
        for (Finding f : findings.values()) {
            if (!f.identity().type().equals(type) || !f.counts()) {
                continue;
            }
            found++;
            String currency = f.currency() == null ? "?" : f.currency();
            foundAmount.merge(currency, f.amountMinor(), Long::sum);
            TruthEntry t = truthById.get(f.identity());
            if (t == null) {
                continue;
            }
            truePositives++;
            tpAmount.merge(currency, f.amountMinor(), Long::sum);
            if (f.detectedWatermark() == null || !f.detectedWatermark().isBefore(END_OF_INPUT)) {
                atEnd++;
            } else {
                latencies.add(Duration.between(t.detectableAt(), f.detectedWatermark()));
            }
        }
        return new TypeScore(
                type,
                injected,
                found,
                truePositives,
                injectedAmount,
                foundAmount,
                tpAmount,
                List.copyOf(latencies),
                atEnd);
    }

    private static String sortKey(Identity id) {
        return id.type() + '\u0000' + id.accountId() + '\u0000' + id.meter() + '\u0000' + id.periodStart();
    }

    /** The score of one type; a type neither injected nor found has zero counts. */
    public TypeScore type(String type) {
        TypeScore s = scores.get(type);
        return s != null ? s : new TypeScore(type, 0, 0, 0, Map.of(), Map.of(), Map.of(), List.of(), 0);
    }

    /** Every type, leak types first, in the order of spec §4. */
    public List<TypeScore> types() {
        return List.copyOf(scores.values());
    }

    /** How many raised anomalies of {@code type} (an opportunity type) carry amount 0. */
    public int zeroAmount(String type) {
        return zeroAmounts.getOrDefault(type, 0);
    }

    /** Per signal type, the raised signals that match no truth entry, and their rate. */
    public FalseSignals falseSignals(String type) {
        return falseSignals.getOrDefault(type, new FalseSignals(type, 0, 0, 0, 0));
    }

    /** Found leak anomalies without truth, ordered by identity (false signals are counted apart). */
    public List<Mismatch> falsePositives() {
        return falsePositives;
    }

    /** Truth entries with no finding (never raised, or resolved at the end), ordered by identity. */
    public List<Mismatch> missed() {
        return missed;
    }

    /** The text a RevOps person reads: per type counts, money and latency, then what went wrong. */
    public String render() {
        return new DemoReportText(this).render();
    }

    int revisionsRead() {
        return revisionsRead;
    }

    int anomaliesRead() {
        return anomaliesRead;
    }

    int unreadableLines() {
        return unreadableLines;
    }
}
