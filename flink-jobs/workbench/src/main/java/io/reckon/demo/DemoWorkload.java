package io.reckon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A seeded, realistic workload for the four Reckon inputs with known truth: which revenue leaks were
 * injected, on which (account, meter, period), for how much, and from which event-time hour the job
 * could see them.
 *
 * <p>The workload is a pure function of its {@link Options}: the same seed gives byte-identical
 * files. It holds, besides the injected leaks, the noise a real pipeline produces and the job must
 * absorb without raising anomalies: duplicate usage events and reports, records out of order by a few
 * minutes, late records inside the allowed lateness, a handful after their period was final (with
 * their report equally late) and malformed lines for the dead-letter output.
 *
 * <pre>{@code
 * DemoWorkload workload = DemoWorkload.generate(DemoWorkload.Options.defaults());
 * workload.writeTo(Path.of("reckon-data/demo"));   // contracts/usage/reported/invoices/truth.jsonl
 * // ... replay the four inputs through the job, which writes anomalies.jsonl ...
 * DemoReport report = DemoReport.score(workload.truth(), Path.of("reckon-data/demo/anomalies.jsonl"));
 * System.out.println(report.render());
 * }</pre>
 */
public final class DemoWorkload {

    /** File names written by {@link #writeTo(Path)}. */
    public static final String CONTRACTS_FILE = "contracts.jsonl";

    public static final String USAGE_FILE = "usage.jsonl";
    public static final String REPORTED_FILE = "reported.jsonl";
    public static final String INVOICES_FILE = "invoices.jsonl";
    public static final String TRUTH_FILE = "truth.jsonl";

    /**
     * What to generate.
     *
     * @param seed the only source of randomness
     * @param accounts number of accounts
     * @param meters meter names; {@code storage_gb} is aggregated with max, {@code seats} with count,
     *     every other meter with sum
     * @param firstMonth the first calendar month (UTC) with usage
     * @param months number of months with usage
     * @param leaksPerType injected leaks of each type (UNDER_REPORTED_USAGE, OVER_REPORTED_USAGE,
     *     UNBILLED_USAGE, RENEWAL_DRIFT, MISSED_OVERAGE, OVERBILLED); a billing type may get fewer on
     *     a small workload that lacks clean keys for it (RENEWAL_DRIFT needs a renewal in the range)
     * @param duplicatePermille per mille of usage events and of reports that are sent twice
     * @param maxDisorder how far, in event time, a record may arrive after a later one
     * @param lateRecords records that arrive hours late, still inside the allowed lateness
     * @param afterFinalHours key-hours whose usage and report arrive after their period was final
     */
    public record Options(
            long seed,
            int accounts,
            List<String> meters,
            YearMonth firstMonth,
            int months,
            int leaksPerType,
            int duplicatePermille,
            Duration maxDisorder,
            int lateRecords,
            int afterFinalHours) {

        public Options {
            Objects.requireNonNull(meters, "meters");
            Objects.requireNonNull(firstMonth, "firstMonth");
            Objects.requireNonNull(maxDisorder, "maxDisorder");
            meters = List.copyOf(meters);
            if (accounts < 1 || months < 1 || meters.isEmpty()) {
                throw new IllegalArgumentException("need at least one account, one meter and one month");
            }
            if (leaksPerType < 0 || leaksPerType > accounts / 4) {
                throw new IllegalArgumentException("leaksPerType must be between 0 and accounts / 4");
            }
        }

        /** Seed 42, 200 accounts, api_calls/storage_gb/seats, January to March 2026, 6 leaks per type. */
        public static Options defaults() {
            return new Options(
                    42L,
                    200,
                    List.of("api_calls", "storage_gb", "seats"),
                    YearMonth.of(2026, 1),
                    3,
                    6,
                    10,
                    Duration.ofMinutes(3),
                    12,
                    4);
        }

        public Options withSeed(long newSeed) {
            return new Options(
                    newSeed,
                    accounts,
                    meters,
                    firstMonth,
                    months,
                    leaksPerType,
                    duplicatePermille,
                    maxDisorder,
                    lateRecords,
                    afterFinalHours);
        }

        public Options withAccounts(int newAccounts) {
            return new Options(
                    seed,
                    newAccounts,
                    meters,
                    firstMonth,
                    months,
                    leaksPerType,
                    duplicatePermille,
                    maxDisorder,
                    lateRecords,
                    afterFinalHours);
        }
    }

    /**
     * One injected leak.
     *
     * @param type the anomaly type the job should raise
     * @param amountMinor the leak of the period's final figures, in minor units of {@code currency}:
     *     expected - priced_reported (UNDER), priced_reported - expected (OVER), priced_reported
     *     (UNBILLED), priced_reported - billed (RENEWAL_DRIFT, MISSED_OVERAGE) or billed -
     *     priced_reported (OVERBILLED)
     * @param detectableAt the earliest event-time hour H at which the job's real-time comparison
     *     can see the leak: usage older than H - 2 h (the reporting delay) against reports older
     *     than H; period end + 6 h if it only shows when the period closes (OVER_REPORTED_USAGE,
     *     RENEWAL_DRIFT, MISSED_OVERAGE, OVERBILLED); period end + 72 h, the invoice grace, for
     *     UNBILLED_USAGE
     * @param currency the account's currency (lower case ISO 4217); null when unknown
     */
    public record TruthEntry(
            String type,
            String accountId,
            String meter,
            Instant periodStart,
            long amountMinor,
            Instant detectableAt,
            String currency) {

        public TruthEntry(
                String type,
                String accountId,
                String meter,
                Instant periodStart,
                long amountMinor,
                Instant detectableAt) {
            this(type, accountId, meter, periodStart, amountMinor, detectableAt, null);
        }
    }

    /**
     * The truth entries, plus what the report needs to turn signals on clean keys into a rate: the
     * key-hours the spike and drop rules judge (for every key with usage, the hours from its first
     * usage hour + 4 weeks to the end of its last billing period whose four baseline hours each hold
     * at least 20 usage records), the key-hours the reporting gap rule runs on (every key's hours
     * from its first usage to the end of its last billing period) and the end of the workload's
     * usage. A plain list of entries to everyone else.
     */
    public static final class Truth extends AbstractList<TruthEntry> {
        private final List<TruthEntry> entries;
        private final long keyHoursJudged;
        private final long gapKeyHours;
        private final Instant inputEnd;

        public Truth(List<TruthEntry> entries, long keyHoursJudged, long gapKeyHours, Instant inputEnd) {
            this.entries = List.copyOf(entries);
            this.keyHoursJudged = keyHoursJudged;
            this.gapKeyHours = gapKeyHours;
            this.inputEnd = inputEnd;
        }

        /** One denominator for all three signal types. */
        public Truth(List<TruthEntry> entries, long keyHoursJudged, Instant inputEnd) {
            this(entries, keyHoursJudged, keyHoursJudged, inputEnd);
        }

        @Override
        public TruthEntry get(int index) {
            return entries.get(index);
        }

        @Override
        public int size() {
            return entries.size();
        }

        /** Key-hours judged by the seasonal rules; the denominator of the spike and drop false signal rates. */
        public long keyHoursJudged() {
            return keyHoursJudged;
        }

        /** Key-hours the reporting gap rule runs on; the denominator of its false signal rate. */
        public long gapKeyHours() {
            return gapKeyHours;
        }

        /** The end of the workload's usage: signals after it see the input end, not the customer. */
        public Instant inputEnd() {
            return inputEnd;
        }
    }

    private final Options options;
    private final Map<String, List<String>> files;
    private final Truth truth;
    private final Map<String, Integer> badLines;
    private final Map<String, Long> stats;

    DemoWorkload(
            Options options,
            Map<String, List<String>> files,
            List<TruthEntry> truth,
            Map<String, Integer> badLines,
            Map<String, Long> stats,
            long keyHoursJudged,
            long gapKeyHours,
            Instant inputEnd) {
        this.options = options;
        this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        this.truth = new Truth(truth, keyHoursJudged, gapKeyHours, inputEnd);
        this.badLines = Collections.unmodifiableMap(new LinkedHashMap<>(badLines));
        this.stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
    }

    /** Generates the workload; deterministic in {@code o}. */
    public static DemoWorkload generate(Options o) {
        return new WorkloadGenerator(o).generate();
    }

    /**
     * Writes contracts.jsonl, usage.jsonl, reported.jsonl, invoices.jsonl and truth.jsonl into
     * {@code dir} (created if missing), one JSON object per line, UTF-8, LF line ends.
     */
    public void writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, List<String>> file : files.entrySet()) {
                StringBuilder text = new StringBuilder();
                for (String line : file.getValue()) {
                    text.append(line).append('\n');
                }
                Files.writeString(dir.resolve(file.getKey()), text.toString(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo workload to " + dir, e);
        }
    }

    /**
     * The injected leaks and signals, ordered by type, account, meter and period (for a signal its
     * first hour); a {@link Truth}, so that {@link DemoReport#score} can rate the signals.
     */
    public Truth truth() {
        return truth;
    }

    public Options options() {
        return options;
    }

    /** The lines of one file (see the *_FILE constants), as {@link #writeTo(Path)} writes them. */
    public List<String> lines(String fileName) {
        List<String> lines = files.get(fileName);
        if (lines == null) {
            throw new IllegalArgumentException("no file " + fileName + "; files are " + files.keySet());
        }
        return Collections.unmodifiableList(lines);
    }

    /** Per input file, the number of deliberately malformed lines (they belong in the dead letters). */
    public Map<String, Integer> badLines() {
        return badLines;
    }

    /**
     * What the workload holds besides the truth: unique usage events and reports, their duplicate
     * lines, late records, records after finality, invoice line records, billing leaks placed per
     * type, and the invoice noise (corrected, voided extra and wrong-currency lines; the last are
     * valid lines that the job dead-letters, so they are not in {@link #badLines()}).
     */
    public Map<String, Long> stats() {
        return stats;
    }

    /** Reads a truth.jsonl written by {@link #writeTo(Path)}. */
    public static List<TruthEntry> readTruth(Path truthJsonl) {
        List<TruthEntry> entries = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(truthJsonl, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = DemoJson.MAPPER.readTree(line);
                entries.add(new TruthEntry(
                        n.get("type").asText(),
                        n.get("account_id").asText(),
                        n.get("meter").asText(),
                        Instant.parse(n.get("period_start").asText()),
                        n.get("amount_minor").asLong(),
                        Instant.parse(n.get("detectable_at").asText()),
                        n.get("currency").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + truthJsonl, e);
        }
        return entries;
    }

    static ObjectNode truthJson(TruthEntry t) {
        ObjectNode n = DemoJson.MAPPER.createObjectNode();
        n.put("type", t.type());
        n.put("account_id", t.accountId());
        n.put("meter", t.meter());
        n.put("period_start", t.periodStart().toString());
        n.put("currency", t.currency());
        n.put("amount_minor", t.amountMinor());
        n.put("detectable_at", t.detectableAt().toString());
        return n;
    }
}
