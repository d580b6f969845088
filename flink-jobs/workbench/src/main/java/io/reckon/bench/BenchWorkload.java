package io.reckon.bench;

import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * The benchmark's input: usage and reported usage of {@code accounts x meters} keys over {@code days}
 * days, with duplicates, out-of-order records and a share of under-reporting keys, plus one contract
 * version per account. Every record is a pure function of its index and the seed, so a source can
 * generate it in parallel, the SQL baseline reads exactly the same records, and Kafka gets them in
 * the same order.
 *
 * <p>Lanes. The records of each input are cut into {@code lanes} (the parallelism) contiguous index
 * ranges, as Flink's number-sequence source splits them, and each lane covers the whole time span in
 * event-time order. So every parallel reader moves through event time at the same pace, as the
 * partitions of a real topic do, instead of one reader running weeks ahead of the other.
 *
 * <p>Usage record {@code L} and report {@code L} belong together: same key, same event time; the
 * report carries the same quantity, or half of it for every fourth record of an under-reporting key.
 * A duplicate is an exact copy of the lane's previous record (same id, time and quantity) in place of
 * its own; an
 * out-of-order record is moved back by up to four minutes, inside the watermark's five-minute bound,
 * so no record is late for either job.
 *
 * <pre>{@code
 * BenchWorkload w = new BenchWorkload(BenchWorkload.Options.defaults().withEvents(200_000));
 * MeterEvent first = w.usage(0);
 * }</pre>
 */
public final class BenchWorkload implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Start of the generated span: a period starts here (billing anchor day 1). */
    public static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

    /** Unit price of every meter, minor units per unit (per_unit pricing). */
    public static final String UNIT_AMOUNT = "0.05";

    public static final String TOLERANCE_PCT = "0.5";

    private static final long MAX_DISORDER_MS = Duration.ofMinutes(4).toMillis();
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    /** Late records and late copies arrive 1 to this many days after their event time. */
    public static final int MAX_LATE_DAYS = 20;

    /**
     * @param events usage plus reported records, including duplicates (rounded to whole lanes)
     * @param duplicateRate share of records that are copies of the previous record of their lane
     * @param outOfOrderRate share of records moved back in event time (within the watermark bound)
     * @param underReportedShare share of keys whose reports miss half of every fourth record
     * @param lateRate share of records that arrive 1 to 20 days after their event time (late for the
     *     reconciliation's five-minute watermark, inside its retention); when above 0, every duplicate is
     *     also a late copy, of a record of the same lane 1 to 20 days of event time earlier
     * @param busyKeys when above 0 and below the keys, only the first {@code busyKeys} keys get most
     *     records, and every other key (a quiet one) about one a week at a random time: the period of a
     *     quiet key stays open with almost all of its hours empty; 0 spreads records over every key
     */
    public record Options(
            long events,
            int accounts,
            int meters,
            int days,
            double duplicateRate,
            double outOfOrderRate,
            double underReportedShare,
            double lateRate,
            int busyKeys,
            long seed,
            int lanes)
            implements Serializable {

        public Options {
            if (events < 2 || accounts < 1 || meters < 1 || days < 1 || lanes < 1) {
                throw new IllegalArgumentException(
                        "events >= 2, accounts, meters, days and parallelism >= 1 are required");
            }
            if (!rate(duplicateRate) || !rate(outOfOrderRate) || !rate(underReportedShare) || !rate(lateRate)) {
                throw new IllegalArgumentException("rates and shares must be within [0, 1]");
            }
            if (busyKeys < 0 || busyKeys > (long) accounts * meters) {
                throw new IllegalArgumentException("busy keys must be within [0, accounts x meters]");
            }
        }

        /** The keys that get most records: {@link #busyKeys}, or every key when it is 0. */
        public int busyKeyCount() {
            return busyKeys > 0 ? busyKeys : accounts * meters;
        }

        private static boolean rate(double r) {
            return r >= 0 && r <= 1;
        }

        public static Options defaults() {
            return new Options(2_000_000, 250, 2, 31, 0.01, 0.05, 0.05, 0, 0, 42, 2);
        }

        public Options withEvents(long n) {
            return change(d -> d.events = n);
        }

        public Options withKeys(int a, int m) {
            return change(d -> {
                d.accounts = a;
                d.meters = m;
            });
        }

        public Options withDays(int n) {
            return change(d -> d.days = n);
        }

        public Options withRates(double duplicates, double outOfOrder, double underReported) {
            return change(d -> {
                d.duplicateRate = duplicates;
                d.outOfOrderRate = outOfOrder;
                d.underReportedShare = underReported;
            });
        }

        public Options withLateRate(double late) {
            return change(d -> d.lateRate = late);
        }

        /** Only the first {@code busy} keys get most records; the others about one a week (0: all busy). */
        public Options withBusyKeys(int busy) {
            return change(d -> d.busyKeys = busy);
        }

        public Options withSeed(long s) {
            return change(d -> d.seed = s);
        }

        public Options withLanes(int l) {
            return change(d -> d.lanes = l);
        }

        /** These options with what {@code edit} sets changed: the one place that lists every field. */
        private Options change(java.util.function.Consumer<Draft> edit) {
            Draft d = new Draft(this);
            edit.accept(d);
            return new Options(
                    d.events,
                    d.accounts,
                    d.meters,
                    d.days,
                    d.duplicateRate,
                    d.outOfOrderRate,
                    d.underReportedShare,
                    d.lateRate,
                    d.busyKeys,
                    d.seed,
                    d.lanes);
        }
    }

    /** The fields of an {@link Options} being changed, before the new one is checked. */
    private static final class Draft {
        long events;
        int accounts;
        int meters;
        int days;
        double duplicateRate;
        double outOfOrderRate;
        double underReportedShare;
        double lateRate;
        int busyKeys;
        long seed;
        int lanes;

        Draft(Options o) {
            events = o.events();
            accounts = o.accounts();
            meters = o.meters();
            days = o.days();
            duplicateRate = o.duplicateRate();
            outOfOrderRate = o.outOfOrderRate();
            underReportedShare = o.underReportedShare();
            lateRate = o.lateRate();
            busyKeys = o.busyKeys();
            seed = o.seed();
            lanes = o.lanes();
        }
    }

    private final Options options;
    private final long perInput;
    private final long laneSize;
    private final long spanMs;
    /**
     * The account and meter names, built once: concatenating them for every record cost the sources
     * about a sixth of their time, which both engines were charged for.
     */
    private final String[] accountNames;

    private final String[] meterNames;

    /** The keys that get most records ({@link Options#busyKeys}). */
    private final int busyKeys;

    /** The share of logical records that go to a quiet key: about one per quiet key and week. */
    private final double quietShare;

    public BenchWorkload(Options options) {
        this.options = options;
        this.accountNames = new String[options.accounts()];
        for (int a = 0; a < accountNames.length; a++) {
            accountNames[a] = "acct-" + a;
        }
        this.meterNames = new String[options.meters()];
        for (int m = 0; m < meterNames.length; m++) {
            meterNames[m] = "m" + m;
        }
        long half = Math.max(1, options.events() / 2);
        this.laneSize = Math.max(1, half / options.lanes());
        this.perInput = laneSize * options.lanes();
        this.spanMs = Duration.ofDays(options.days()).toMillis();
        int keys = options.accounts() * options.meters();
        this.busyKeys = options.busyKeyCount();
        this.quietShare = Math.min(1, (keys - busyKeys) * (options.days() / 7.0) / perInput);
    }

    /** The keys that get most records; the others are quiet (all keys when none is). */
    public int busyKeys() {
        return busyKeys;
    }

    public Options options() {
        return options;
    }

    /** Records per meter input (usage, reported); the total is twice this. */
    public long recordsPerInput() {
        return perInput;
    }

    public long totalRecords() {
        return 2 * perInput;
    }

    public int keys() {
        return options.accounts() * options.meters();
    }

    public MeterEvent usage(long index) {
        long l = logical(index);
        return MeterEvent.usage("u-" + l, account(l), meter(l), eventTime(l), quantity(l));
    }

    public MeterEvent reported(long index) {
        long l = logical(index);
        BigDecimal q = quantity(l);
        if (underReporting(key(l)) && l % 4 == 0) {
            q = q.divide(BigDecimal.valueOf(2));
        }
        return MeterEvent.reported("r-" + l, account(l), meter(l), eventTime(l), q);
    }

    public int contracts() {
        return options.accounts();
    }

    /** The contract of account {@code index}: per_unit pricing of every meter, in the spec's JSON. */
    public ContractEvent contract(long index) {
        String account = "acct-" + index;
        StringBuilder meters = new StringBuilder();
        for (int m = 0; m < options.meters(); m++) {
            if (m > 0) {
                meters.append(',');
            }
            meters.append("{\"meter\":\"m")
                    .append(m)
                    .append("\",\"aggregation\":\"sum\",\"tolerance_pct\":\"")
                    .append(TOLERANCE_PCT)
                    .append("\",\"pricing\":{\"model\":\"per_unit\",\"unit_amount_decimal\":\"")
                    .append(UNIT_AMOUNT)
                    .append("\"}}");
        }
        String json = "{\"account_id\":\"" + account + "\",\"version\":1,\"effective_from\":\"2026-01-01T00:00:00Z\","
                + "\"currency\":\"usd\",\"billing_anchor_day\":1,\"meters\":[" + meters + "]}";
        return new ContractEvent(account, 1, json);
    }

    /** True when the key of (account, meter) under-reports; the share is {@code underReportedShare}. */
    public boolean underReporting(long key) {
        return unit(mix(options.seed() ^ 0x0dd_ba11L, key)) < options.underReportedShare();
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * The logical record an index carries: its own, or the lane's previous one for a duplicate. Usage
     * and reports share the choice, so a usage record a copy replaced has no report either and the
     * copies alone do not look like under- or over-reporting.
     */
    private long logical(long index) {
        long inLane = index % laneSize;
        if (inLane > 0 && unit(mix(options.seed() ^ 0x5eed_0001L, index)) < options.duplicateRate()) {
            if (options.lateRate() > 0) {
                // A late copy: of the record 1 to 20 days of event time earlier in the lane, if the lane
                // reaches back that far (a copy of a copy is a copy of the original).
                long days = 1 + Math.floorMod(mix(options.seed() ^ 0x1a7e_c0b1L, index), MAX_LATE_DAYS);
                long back = Math.max(1, days * laneSize / options.days());
                return logical(inLane >= back ? index - back : index - 1);
            }
            return index - 1;
        }
        return index;
    }

    private long key(long l) {
        long h = mix(options.seed(), l);
        if (busyKeys < keys() && unit(mix(options.seed() ^ 0x0b05_1e55L, l)) < quietShare) {
            return busyKeys + Math.floorMod(h, keys() - busyKeys);
        }
        return Math.floorMod(h, busyKeys);
    }

    private String account(long l) {
        return accountNames[(int) (key(l) / options.meters())];
    }

    private String meter(long l) {
        return meterNames[(int) (key(l) % options.meters())];
    }

    private long eventTime(long l) {
        long inLane = l % laneSize;
        long t = START.toEpochMilli() + (long) ((double) inLane * spanMs / laneSize);
        long h = mix(options.seed() ^ 0x0_0de7L, l);
        if (unit(h) < options.outOfOrderRate()) {
            t -= Math.floorMod(h >>> 11, MAX_DISORDER_MS);
        }
        long late = mix(options.seed() ^ 0x1a7e_0001L, l);
        if (unit(late) < options.lateRate()) {
            t -= DAY_MS + Math.floorMod(late >>> 11, (MAX_LATE_DAYS - 1) * DAY_MS);
        }
        return Math.max(START.toEpochMilli(), t);
    }

    /** 0.1 to 100.0 units, in tenths. */
    private BigDecimal quantity(long l) {
        return BigDecimal.valueOf(1 + Math.floorMod(mix(options.seed() ^ 0x9_7a11L, l), 1000), 1);
    }

    /** SplitMix64: a cheap, well-spread hash, so that every record is a function of (seed, index). */
    static long mix(long seed, long x) {
        long z = seed + x * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }
}
