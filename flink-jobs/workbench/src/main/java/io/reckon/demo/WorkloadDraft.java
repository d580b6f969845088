package io.reckon.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.demo.DemoWorkload.Options;
import io.reckon.demo.DemoWorkload.TruthEntry;
import io.reckon.demo.LeakTiming.Timed;
import io.reckon.pricing.Aggregation;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.MeterTerms;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * The workload under construction, shared by the phases of {@link WorkloadGenerator}: the options,
 * the one {@link Random} every choice draws from (in a fixed order, so that the output is a function
 * of the options), and what has been generated so far. Each phase is a view of the same draft (the
 * copy constructor shares every part), so a phase reads the draft's parts under their own names; the
 * helpers here are those more than one phase uses.
 */
class WorkloadDraft {

    final Options o;

    final Random rng;

    final Instant rangeStart;

    final Instant rangeEnd;

    final List<Profile> profiles;

    final List<ObjectNode> contracts;

    final ContractBook book;

    final Map<Key, List<Rec>> usage;

    final Map<Key, List<Rec>> reports;

    final Map<String, Instant> usageArrival;

    final Map<String, Instant> reportArrival;

    final Set<String> neverDuplicated;

    final Set<String> leakAccounts;

    final Set<String> usedLateHours;

    /** Accounts with late or after-final records: their figures move after the period closes. */
    final Set<String> lateAccounts;

    /** Every invoice line record to write, by the (account, meter, period) it bills, in write order. */
    final Map<BilledKey, List<InvoiceRecord>> invoicePlan;

    /** Keys that carry an injected leak or deliberate invoice noise; no second injection goes there. */
    final Set<BilledKey> touchedKeys;

    /** The keys given a plan by {@link UpsellCases#injectUpsellCases()}: outgrown_plan or near_miss. */
    final Map<Key, String> upsellCases;

    final List<TruthEntry> truth;

    final Map<TruthEntry, ObjectNode> truthDetails;

    final Map<String, Long> stats;

    /** The last usage event number handed out, shared by every phase. */
    final AtomicLong usageSeq;

    /** A new, empty draft for {@code o}. */
    WorkloadDraft(Options o) {
        this.o = o;
        this.rng = new Random(o.seed());
        this.rangeStart = o.firstMonth().atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        this.rangeEnd = o.firstMonth()
                .plusMonths(o.months())
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        this.profiles = new ArrayList<>();
        this.contracts = new ArrayList<>();
        this.book = new ContractBook();
        this.usage = new LinkedHashMap<>();
        this.reports = new LinkedHashMap<>();
        this.usageArrival = new HashMap<>();
        this.reportArrival = new HashMap<>();
        this.neverDuplicated = new HashSet<>();
        this.leakAccounts = new HashSet<>();
        this.usedLateHours = new HashSet<>();
        this.lateAccounts = new HashSet<>();
        this.invoicePlan = new LinkedHashMap<>();
        this.touchedKeys = new HashSet<>();
        this.upsellCases = new LinkedHashMap<>();
        this.truth = new ArrayList<>();
        this.truthDetails = new HashMap<>();
        this.stats = new LinkedHashMap<>();
        this.usageSeq = new AtomicLong();
    }

    /** A view of {@code draft}: the same options, random source and parts. */
    WorkloadDraft(WorkloadDraft draft) {
        this.o = draft.o;
        this.rng = draft.rng;
        this.rangeStart = draft.rangeStart;
        this.rangeEnd = draft.rangeEnd;
        this.profiles = draft.profiles;
        this.contracts = draft.contracts;
        this.book = draft.book;
        this.usage = draft.usage;
        this.reports = draft.reports;
        this.usageArrival = draft.usageArrival;
        this.reportArrival = draft.reportArrival;
        this.neverDuplicated = draft.neverDuplicated;
        this.leakAccounts = draft.leakAccounts;
        this.usedLateHours = draft.usedLateHours;
        this.lateAccounts = draft.lateAccounts;
        this.invoicePlan = draft.invoicePlan;
        this.touchedKeys = draft.touchedKeys;
        this.upsellCases = draft.upsellCases;
        this.truth = draft.truth;
        this.truthDetails = draft.truthDetails;
        this.stats = draft.stats;
        this.usageSeq = draft.usageSeq;
    }

    static final Duration HOUR = Duration.ofHours(1);

    static final DateTimeFormatter HOUR_ID =
            DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

    static final DateTimeFormatter DAY_ID =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    /** Leaks are placed where they reach this many minor units, so that the demo's money matters. */
    static final long MIN_LEAK_MINOR = 1000;

    /** How a meter is measured; its name decides it (see {@link Options#meters()}). */
    enum Kind {
        SUM("sum", 0),
        MAX("max", 3),
        COUNT("count", 0);

        final String aggregation;
        final int scale;

        Kind(String aggregation, int scale) {
            this.aggregation = aggregation;
            this.scale = scale;
        }

        static Kind of(String meter) {
            return switch (meter) {
                case "storage_gb" -> MAX;
                case "seats" -> COUNT;
                default -> SUM;
            };
        }
    }

    /** A usage event or a report, deduplicated (one per id). */
    record Rec(String id, String account, String meter, Instant time, BigDecimal quantity) {}

    record Key(String account, String meter) {}

    record Profile(
            int index,
            String id,
            String currency,
            int anchorDay,
            ZoneOffset zone,
            double callRate,
            double callBatch,
            double storageBase,
            double storageGrowth,
            int storageEvery,
            int seats) {}

    /** The (account, meter, billing period) an invoice line bills. */
    record BilledKey(String account, String meter, BillingPeriod period) {}

    /** One record of an invoice line; a later record with the same line id replaces the earlier one. */
    record InvoiceRecord(
            String invoiceId, String lineId, BigDecimal quantity, long amountMinor, String currency, String status) {

        InvoiceRecord with(BigDecimal newQuantity, long newAmount, String newStatus) {
            return new InvoiceRecord(invoiceId, lineId, newQuantity, newAmount, currency, newStatus);
        }

        InvoiceRecord onInvoice(String newInvoiceId) {
            return new InvoiceRecord(newInvoiceId, lineId, quantity, amountMinor, currency, status);
        }

        /** The same line once more, on a second invoice of its own, with {@code newStatus}. */
        InvoiceRecord again(String newStatus) {
            return new InvoiceRecord(invoiceId + "_2", lineId + "_2", quantity, amountMinor, currency, newStatus);
        }
    }

    Rec newUsage(Profile p, String meter, Instant t, BigDecimal q) {
        String seq = Long.toString(usageSeq.incrementAndGet());
        return new Rec("u-" + "0".repeat(Math.max(0, 7 - seq.length())) + seq, p.id(), meter, t, q);
    }

    /**
     * What a healthy metering pipeline reports: for sum and max meters one report per key and hour
     * (the hour's sum or max, stamped at the end of the hour, id derived from account, meter and
     * hour); for count meters one report per event, since a count meter counts records.
     */
    static List<Rec> baselineReports(Key key, Kind kind, List<Rec> events) {
        List<Rec> out = new ArrayList<>();
        if (kind == Kind.COUNT) {
            for (Rec u : events) {
                out.add(new Rec("r-" + u.id().substring(2), u.account(), u.meter(), u.time(), BigDecimal.ONE));
            }
            return out;
        }
        TreeMap<Instant, BigDecimal> byHour = new TreeMap<>();
        for (Rec u : events) {
            Instant hour = hourOf(u.time());
            byHour.merge(hour, u.quantity(), kind == Kind.MAX ? BigDecimal::max : BigDecimal::add);
        }
        byHour.forEach((hour, q) ->
                out.add(new Rec(reportId(key, hour), key.account(), key.meter(), hour.plusSeconds(3599), q)));
        return out;
    }

    static String reportId(Key key, Instant hour) {
        return "r-" + key.account() + "-" + key.meter() + "-" + HOUR_ID.format(hour);
    }

    List<BillingPeriod> fullPeriods(Profile p) {
        List<BillingPeriod> out = new ArrayList<>();
        BillingPeriod period = BillingPeriod.containing(rangeStart, p.anchorDay());
        if (period.start().isBefore(rangeStart)) {
            period = period.next();
        }
        for (; !period.end().isAfter(rangeEnd); period = period.next()) {
            out.add(period);
        }
        return out;
    }

    static List<Timed> timed(List<Rec> recs, BillingPeriod period) {
        List<Timed> out = new ArrayList<>();
        for (Rec r : recs) {
            if (period.contains(r.time())) {
                out.add(new Timed(r.time(), r.quantity()));
            }
        }
        return out;
    }

    static BigDecimal aggregate(Aggregation aggregation, List<Timed> recs) {
        BigDecimal result = BigDecimal.ZERO;
        for (Timed t : recs) {
            result = aggregation.fold(result, t.quantity());
        }
        return result;
    }

    /**
     * Draws up to {@code attempts} candidates, in order, and keeps the largest; stops at the first
     * that is worth at least {@link #MIN_LEAK_MINOR}. Null when no attempt produced a candidate.
     */
    static <C> C bestCandidate(int attempts, IntFunction<C> draw, ToLongFunction<C> amount) {
        C best = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            C c = draw.apply(attempt);
            if (c != null && (best == null || amount.applyAsLong(c) > amount.applyAsLong(best))) {
                best = c;
            }
            if (best != null && amount.applyAsLong(best) >= MIN_LEAK_MINOR) {
                break;
            }
        }
        return best;
    }

    Function<BigDecimal, Long> priceOf(Profile p, String meter, BillingPeriod period) {
        return q -> book.price(p.id(), meter, period.start(), q);
    }

    String sumMeter() {
        return o.meters().stream()
                .filter(m -> Kind.of(m) == Kind.SUM)
                .findFirst()
                .orElse(null);
    }

    InvoiceRecord baseLine(BilledKey key, BigDecimal quantity, long amount) {
        String day = DAY_ID.format(key.period().start());
        Instant lastMonthStart = rangeEnd.atZone(ZoneOffset.UTC).minusMonths(1).toInstant();
        return new InvoiceRecord(
                "in_" + key.account() + "_" + day,
                "il_" + key.account() + "_" + key.meter() + "_" + day,
                quantity,
                amount,
                book.currency(key.account()),
                key.period().end().isAfter(lastMonthStart) ? "open" : "paid");
    }

    BigDecimal reportedQuantity(BilledKey key) {
        MeterTerms terms =
                book.terms(key.account(), key.meter(), key.period().start()).orElseThrow();
        return aggregate(terms.aggregation(), timed(reports.get(new Key(key.account(), key.meter())), key.period()));
    }

    static Instant hourOf(Instant t) {
        return Instant.ofEpochSecond(t.getEpochSecond() - Math.floorMod(t.getEpochSecond(), 3600));
    }

    /** Relative activity by local hour of day: quiet nights, busy office hours. */
    static double diurnal(int localHour) {
        if (localHour < 7) {
            return 0.25;
        }
        if (localHour < 9) {
            return 0.7;
        }
        if (localHour < 18) {
            return 1.6;
        }
        return localHour < 22 ? 0.9 : 0.5;
    }

    static double weekly(DayOfWeek day) {
        return day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? 0.4 : 1.0;
    }

    double logNormal(double median, double sigma) {
        return median * StrictMath.exp(sigma * rng.nextGaussian());
    }

    /** Knuth's method; fine for the small rates used here (at most about 8 per hour). */
    int poisson(double lambda) {
        double limit = StrictMath.exp(-lambda);
        int k = 0;
        double product = rng.nextDouble();
        while (product > limit) {
            k++;
            product *= rng.nextDouble();
        }
        return k;
    }

    static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    String pick(String... choices) {
        return choices[rng.nextInt(choices.length)];
    }
}
