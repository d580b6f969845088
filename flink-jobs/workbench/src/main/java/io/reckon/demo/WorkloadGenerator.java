package io.reckon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.demo.DemoWorkload.Options;
import io.reckon.demo.DemoWorkload.TruthEntry;
import io.reckon.demo.LeakTiming.Timed;
import io.reckon.jobs.reconcile.checks.UsageDetector;
import io.reckon.pricing.Aggregation;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.Graduated;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
import io.reckon.pricing.Tier;
import io.reckon.pricing.Volume;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * Builds a {@link DemoWorkload}. One {@link Random} seeded from the options drives every choice, in
 * a fixed order, so the output is a pure function of the options.
 *
 * <p>Volumes are sampled with doubles (log-normal account sizes, diurnal and weekly rates) and then
 * fixed as exact decimals when a record is created; every figure derived from records (aggregates,
 * prices, truth) is exact.
 */
final class WorkloadGenerator {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final String[] MODELS = {"per_unit", "graduated", "volume", "package"};
    private static final DateTimeFormatter HOUR_ID =
            DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_ID =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    /** GiB reported as GB: the classic unit mix-up behind an inflated storage meter. */
    private static final BigDecimal GIB_PER_GB = new BigDecimal("1.073741824");
    /** Leaks are placed where they reach this many minor units, so that the demo's money matters. */
    private static final long MIN_LEAK_MINOR = 1000;
    /** A billing leak, and the distance of a missed overage from a renewal drift, is at least this. */
    private static final long CLEAR_BILLING_MINOR = 100;
    /** Late and after-final hours carry at most 1/500 (0.2 %) of their period's quantity. */
    private static final int SMALL_SHARE_DIVISOR = 500;

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

    private record Profile(
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

    private record MeterSpec(
            String meter, Kind kind, String model, BigDecimal included, Long minimum, String tolerance) {}

    private record Line(long arrivalMillis, long seq, String json) {}

    /** The ways a metering pipeline loses or invents usage. */
    private enum Method {
        /** Reports of some hours never sent (an outage of the reporting job). */
        OUTAGE,
        /** From some day on, a share of each hourly quantity is lost (a filter bug). */
        SCALE_DOWN,
        /** From some day on, every fifth event is not forwarded (a sampling bug on a count meter). */
        DROP_EVERY_FIFTH,
        /** Some hours reported twice under new report ids (a retry without idempotency). */
        RESEND,
        /** From some day on, quantities in GiB reported as GB. */
        INFLATE
    }

    private final Options o;
    private final Random rng;
    private final Instant rangeStart;
    private final Instant rangeEnd;
    private final List<Profile> profiles = new ArrayList<>();
    private final List<ObjectNode> contracts = new ArrayList<>();
    private ContractBook book = new ContractBook();
    private final Map<Key, List<Rec>> usage = new LinkedHashMap<>();
    private final Map<Key, List<Rec>> reports = new LinkedHashMap<>();
    private final Map<String, Instant> usageArrival = new HashMap<>();
    private final Map<String, Instant> reportArrival = new HashMap<>();
    private final Set<String> neverDuplicated = new HashSet<>();
    private final Set<String> leakAccounts = new HashSet<>();
    private final Set<String> usedLateHours = new HashSet<>();
    /** Accounts with late or after-final records: their figures move after the period closes. */
    private final Set<String> lateAccounts = new HashSet<>();
    /** Every invoice line record to write, by the (account, meter, period) it bills, in write order. */
    private final Map<BilledKey, List<InvoiceRecord>> invoicePlan = new LinkedHashMap<>();
    /** Keys that carry an injected leak or deliberate invoice noise; no second injection goes there. */
    private final Set<BilledKey> touchedKeys = new HashSet<>();

    /** The keys given a plan by {@link #injectUpsellCases()}: outgrown_plan or near_miss. */
    private final Map<Key, String> upsellCases = new LinkedHashMap<>();

    private final List<TruthEntry> truth = new ArrayList<>();
    private final Map<TruthEntry, ObjectNode> truthDetails = new HashMap<>();
    private final Map<String, Long> stats = new LinkedHashMap<>();
    private long usageSeq;

    WorkloadGenerator(Options o) {
        this.o = o;
        this.rng = new Random(o.seed());
        this.rangeStart = o.firstMonth().atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        this.rangeEnd = o.firstMonth()
                .plusMonths(o.months())
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
    }

    DemoWorkload generate() {
        for (int i = 1; i <= o.accounts(); i++) {
            Profile p = profile(i);
            profiles.add(p);
            contracts(p);
        }
        for (Profile p : profiles) {
            for (String meter : o.meters()) {
                Key key = new Key(p.id(), meter);
                List<Rec> events = usage(p, meter, Kind.of(meter));
                usage.put(key, events);
                reports.put(key, baselineReports(key, Kind.of(meter), events));
            }
        }
        injectLeaks();
        injectSignals();
        chooseLateRecords();
        chooseAfterFinalHours();
        planInvoices();
        injectBillingLeaks();
        addInvoiceNoise();
        injectUpsellCases();
        addUpsellTruth();

        Map<String, List<String>> files = new LinkedHashMap<>();
        Map<String, Integer> bad = new LinkedHashMap<>();
        files.put(DemoWorkload.CONTRACTS_FILE, renderContracts(bad));
        files.put(DemoWorkload.USAGE_FILE, renderRecords(DemoWorkload.USAGE_FILE, usage, usageArrival, bad));
        files.put(DemoWorkload.REPORTED_FILE, renderRecords(DemoWorkload.REPORTED_FILE, reports, reportArrival, bad));
        files.put(DemoWorkload.INVOICES_FILE, renderInvoices(bad));
        truth.sort(Comparator.comparing(TruthEntry::type)
                .thenComparing(TruthEntry::accountId)
                .thenComparing(TruthEntry::meter)
                .thenComparing(TruthEntry::periodStart));
        List<String> truthLines = new ArrayList<>();
        for (TruthEntry t : truth) {
            ObjectNode n = DemoWorkload.truthJson(t);
            n.setAll(truthDetails.get(t));
            truthLines.add(DemoJson.line(n));
        }
        files.put(DemoWorkload.TRUTH_FILE, truthLines);
        return new DemoWorkload(o, files, truth, bad, stats, signalKeyHours(false), signalKeyHours(true), rangeEnd);
    }

    // ---------------------------------------------------------------- accounts and contracts

    private Profile profile(int index) {
        String currency = rng.nextInt(100) < 70 ? "usd" : "eur";
        int anchor = rng.nextInt(100) < 85 ? 1 : 15;
        ZoneOffset zone = currency.equals("usd") ? ZoneOffset.ofHours(-5) : ZoneOffset.ofHours(1);
        double callRate = clamp(logNormal(0.2, 1.0), 0.02, 5);
        double callBatch = clamp(logNormal(300, 0.8), 5, 20_000);
        double storageBase = clamp(logNormal(150, 1.0), 1, 20_000);
        double storageGrowth = 0.02 + 0.2 * rng.nextDouble();
        int storageEvery = 6 + rng.nextInt(7);
        int seats = (int) Math.max(1, Math.round(logNormal(4, 0.8)));
        return new Profile(
                index,
                String.format("acct_%04d", index),
                currency,
                anchor,
                zone,
                callRate,
                callBatch,
                storageBase,
                storageGrowth,
                storageEvery,
                seats);
    }

    private void contracts(Profile p) {
        ObjectNode renewal = null;
        int renewalRoll = rng.nextInt(100);
        if (renewalRoll < 18 && o.months() > 1) {
            // Term end inside the range: the periods from then on pay escalated prices.
            int monthOffset = 1 + rng.nextInt(o.months() - 1);
            int day = rng.nextInt(5) == 0 ? 10 : p.anchorDay();
            renewal = renewal(o.firstMonth().plusMonths(monthOffset).atDay(day), pick("5", "7", "3.5"));
        } else if (renewalRoll < 28) {
            renewal = renewal(o.firstMonth().plusMonths(o.months() + 6).atDay(p.anchorDay()), "4");
        }
        List<MeterSpec> specs = new ArrayList<>();
        for (int m = 0; m < o.meters().size(); m++) {
            String meter = o.meters().get(m);
            Kind kind = Kind.of(meter);
            // Round robin over the models, so that every meter is priced with every model.
            String model = MODELS[(p.index() + m) % MODELS.length];
            BigDecimal included = new BigDecimal(
                    switch (kind) {
                        case SUM -> pick("0", "5000", "20000");
                        case MAX -> pick("0", "10", "50");
                        case COUNT -> pick("0", "0", "20");
                    });
            Long minimum = rng.nextInt(100) < 20
                    ? switch (kind) {
                        case SUM -> 5000L;
                        case MAX -> 2000L;
                        case COUNT -> 3000L;
                    }
                    : null;
            String tolerance = rng.nextInt(100) < 10 ? "1" : null;
            specs.add(new MeterSpec(meter, kind, model, included, minimum, tolerance));
        }
        Instant v1From = o.firstMonth()
                .minusMonths(1)
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        addContract(contractJson(p, 1, v1From, renewal, specs, BigDecimal.ONE));
        if (o.months() > 1 && rng.nextInt(100) < 15) {
            // An upgrade from the second month: 10 % off every price and twice the included usage.
            Instant v2From = o.firstMonth()
                    .plusMonths(1)
                    .atDay(p.anchorDay())
                    .atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
            List<MeterSpec> upgraded = specs.stream()
                    .map(s -> new MeterSpec(
                            s.meter(),
                            s.kind(),
                            s.model(),
                            s.included().multiply(BigDecimal.valueOf(2)),
                            s.minimum(),
                            s.tolerance()))
                    .toList();
            addContract(contractJson(p, 2, v2From, renewal, upgraded, new BigDecimal("0.9")));
        }
    }

    private void addContract(ObjectNode contract) {
        contracts.add(contract);
        book.add(contract);
    }

    private static ObjectNode renewal(LocalDate termEnd, String escalatorPct) {
        ObjectNode r = DemoJson.MAPPER.createObjectNode();
        r.put("term_end", termEnd.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
        r.put("escalator_pct", escalatorPct);
        return r;
    }

    private ObjectNode contractJson(
            Profile p, int version, Instant from, ObjectNode renewal, List<MeterSpec> specs, BigDecimal factor) {
        ObjectNode n = DemoJson.MAPPER.createObjectNode();
        n.put("account_id", p.id());
        n.put("version", version);
        n.put("effective_from", from.toString());
        n.put("currency", p.currency());
        // Some contracts leave the anchor day out: the default (1) must apply.
        if (p.anchorDay() != 1 || p.index() % 3 != 0) {
            n.put("billing_anchor_day", p.anchorDay());
        }
        n.put("stripe_customer_id", String.format("cus_%08X", p.id().hashCode()));
        n.put("crm_account_id", "crm_" + (100_000 + p.index()));
        if (renewal != null) {
            n.set("renewal", renewal.deepCopy());
        }
        ArrayNode meters = n.putArray("meters");
        for (MeterSpec s : specs) {
            ObjectNode m = meters.addObject();
            m.put("meter", s.meter());
            // Through Stripe, a count meter is the sum of its events' quantities (one each): see Options.
            String aggregation = o.viaStripe() && s.kind() == Kind.COUNT ? Kind.SUM.aggregation : s.kind().aggregation;
            if (s.kind() != Kind.SUM || p.index() % 2 == 0) {
                m.put("aggregation", aggregation);
            }
            // The billing system's ids: every meter has a Stripe meter (its hourly summaries are the
            // reported usage); every other account's contract also names the price its lines bill.
            m.put("stripe_meter_id", stripeMeterId(s.meter()));
            if (p.index() % 2 == 0) {
                m.put("stripe_price_id", stripePriceId(s.meter(), p.currency()));
            }
            if (s.included().signum() > 0) {
                m.put("included_quantity", s.included().toPlainString());
            }
            if (s.minimum() != null) {
                m.put("minimum_amount_minor", s.minimum());
            }
            if (s.tolerance() != null) {
                m.put("tolerance_pct", s.tolerance());
            }
            m.set("pricing", pricing(s.kind(), s.model(), factor));
        }
        return n;
    }

    /** The Stripe meter that measures a meter's reported usage. */
    static String stripeMeterId(String meter) {
        return "mtr_" + meter;
    }

    /** The metered Stripe price that bills a meter in a currency. */
    static String stripePriceId(String meter, String currency) {
        return "price_" + meter + "_" + currency;
    }

    private static ObjectNode pricing(Kind kind, String model, BigDecimal factor) {
        ObjectNode p = DemoJson.MAPPER.createObjectNode();
        p.put("model", model);
        switch (model) {
            case "per_unit" ->
                p.put(
                        "unit_amount_decimal",
                        price(
                                switch (kind) {
                                    case SUM -> "0.1";
                                    case MAX -> "23";
                                    case COUNT -> "35";
                                },
                                factor));
            case "graduated" ->
                p.set(
                        "tiers",
                        tiers(
                                switch (kind) {
                                    case SUM ->
                                        new String[][] {
                                            {"10000", "0.15", "1000"}, {"250000", "0.1", "0"}, {null, "0.05", "0"}
                                        };
                                    case MAX ->
                                        new String[][] {{"100", "25", "0"}, {"1000", "20", "500"}, {null, "15", "0"}};
                                    case COUNT -> new String[][] {{"50", "40", "2000"}, {null, "30", "0"}};
                                },
                                factor,
                                true));
            case "volume" ->
                p.set(
                        "tiers",
                        tiers(
                                switch (kind) {
                                    case SUM ->
                                        new String[][] {
                                            {"50000", "0.12", "0"}, {"500000", "0.09", "0"}, {null, "0.06", "2500"}
                                        };
                                    case MAX -> new String[][] {{"500", "22", "0"}, {null, "18", "1000"}};
                                    case COUNT -> new String[][] {{"100", "40", "0"}, {null, "32", "0"}};
                                },
                                factor,
                                false));
            case "package" -> {
                String[] pkg =
                        switch (kind) {
                            case SUM -> new String[] {"1000", "90"};
                            case MAX -> new String[] {"50", "1000"};
                            case COUNT -> new String[] {"10", "300"};
                        };
                p.put("package_size", pkg[0]);
                p.put("package_amount_decimal", price(pkg[1], factor));
            }
            default -> throw new IllegalArgumentException(model);
        }
        return p;
    }

    private static ArrayNode tiers(String[][] rows, BigDecimal factor, boolean writeZeroFlat) {
        ArrayNode tiers = DemoJson.MAPPER.createArrayNode();
        for (String[] row : rows) {
            ObjectNode t = tiers.addObject();
            if (row[0] == null) {
                t.putNull("up_to");
            } else {
                t.put("up_to", row[0]);
            }
            t.put("unit_amount_decimal", price(row[1], factor));
            long flat = new BigDecimal(row[2])
                    .multiply(factor)
                    .setScale(0, RoundingMode.HALF_UP)
                    .longValueExact();
            // A zero flat amount is sometimes left out: the default (0) must apply.
            if (flat != 0 || writeZeroFlat) {
                t.put("flat_amount_minor", flat);
            }
        }
        return tiers;
    }

    private static String price(String base, BigDecimal factor) {
        BigDecimal p = new BigDecimal(base).multiply(factor).stripTrailingZeros();
        return p.scale() < 0 ? p.setScale(0).toPlainString() : p.toPlainString();
    }

    // ---------------------------------------------------------------- usage and reports

    private List<Rec> usage(Profile p, String meter, Kind kind) {
        List<Rec> events = new ArrayList<>();
        switch (kind) {
            case SUM -> {
                for (Instant h = rangeStart; h.isBefore(rangeEnd); h = h.plus(HOUR)) {
                    LocalDateTime local = LocalDateTime.ofInstant(h, p.zone());
                    double lambda = p.callRate() * diurnal(local.getHour()) * weekly(local.getDayOfWeek());
                    int n = poisson(lambda);
                    for (int k = 0; k < n; k++) {
                        Instant t = h.plusSeconds(rng.nextInt(3600));
                        long calls = Math.max(1, Math.round(p.callBatch() * StrictMath.exp(0.4 * rng.nextGaussian())));
                        events.add(newUsage(p, meter, t, BigDecimal.valueOf(calls)));
                    }
                }
            }
            case MAX -> {
                Instant first = rangeStart.plus(HOUR.multipliedBy(rng.nextInt(p.storageEvery())));
                for (Instant h = first; h.isBefore(rangeEnd); h = h.plus(HOUR.multipliedBy(p.storageEvery()))) {
                    Instant t = h.plusSeconds(rng.nextInt(3600));
                    double monthsElapsed = Duration.between(rangeStart, t).toHours() / 730.0;
                    double gb = p.storageBase()
                            * StrictMath.pow(1 + p.storageGrowth(), monthsElapsed)
                            * (1 + 0.01 * rng.nextGaussian());
                    BigDecimal q = BigDecimal.valueOf(gb)
                            .setScale(3, RoundingMode.HALF_UP)
                            .max(new BigDecimal("0.001"));
                    events.add(newUsage(p, meter, t, q));
                }
            }
            case COUNT -> {
                // One event per active seat per day, during the account's working hours.
                LocalDate last = LocalDate.ofInstant(rangeEnd, p.zone());
                for (LocalDate d = LocalDate.ofInstant(rangeStart, p.zone()); !d.isAfter(last); d = d.plusDays(1)) {
                    boolean weekend = d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY;
                    double active = weekend ? 0.2 : 0.9;
                    for (int s = 0; s < p.seats(); s++) {
                        if (rng.nextDouble() >= active) {
                            continue;
                        }
                        Instant t = d.atTime(8, 0)
                                .plusSeconds(rng.nextInt(11 * 3600))
                                .toInstant(p.zone());
                        if (!t.isBefore(rangeStart) && t.isBefore(rangeEnd)) {
                            events.add(newUsage(p, meter, t, BigDecimal.ONE));
                        }
                    }
                }
            }
        }
        events.sort(Comparator.comparing(Rec::time).thenComparing(Rec::id));
        return events;
    }

    private Rec newUsage(Profile p, String meter, Instant t, BigDecimal q) {
        String seq = Long.toString(++usageSeq);
        return new Rec("u-" + "0".repeat(Math.max(0, 7 - seq.length())) + seq, p.id(), meter, t, q);
    }

    /**
     * What a healthy metering pipeline reports: for sum and max meters one report per key and hour
     * (the hour's sum or max, stamped at the end of the hour, id derived from account, meter and
     * hour); for count meters one report per event, since a count meter counts records.
     */
    private static List<Rec> baselineReports(Key key, Kind kind, List<Rec> events) {
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

    private static String reportId(Key key, Instant hour) {
        return "r-" + key.account() + "-" + key.meter() + "-" + HOUR_ID.format(hour);
    }

    // ---------------------------------------------------------------- leaks

    private void injectLeaks() {
        for (String type : List.of(LeakTiming.UNDER, LeakTiming.OVER)) {
            for (int i = 0; i < o.leaksPerType(); i++) {
                String meter = o.meters().get(i % o.meters().size());
                Kind kind = Kind.of(meter);
                Method[] methods = methods(type, kind);
                Method method = methods[(i / o.meters().size()) % methods.length];
                if (!placeLeak(type, meter, kind, method)) {
                    throw new IllegalStateException("cannot place a " + type + " leak on " + meter + " by " + method
                            + "; use more accounts or fewer leaks");
                }
            }
        }
    }

    private static Method[] methods(String type, Kind kind) {
        boolean under = LeakTiming.UNDER.equals(type);
        return switch (kind) {
            case SUM ->
                under ? new Method[] {Method.OUTAGE, Method.SCALE_DOWN} : new Method[] {Method.RESEND, Method.INFLATE};
            case MAX -> under ? new Method[] {Method.SCALE_DOWN} : new Method[] {Method.INFLATE};
            case COUNT -> under ? new Method[] {Method.OUTAGE, Method.DROP_EVERY_FIFTH} : new Method[] {Method.RESEND};
        };
    }

    private record Candidate(
            Profile profile,
            BillingPeriod period,
            MeterTerms terms,
            List<Rec> modified,
            List<Timed> actualRecs,
            List<Timed> reportedRecs,
            BigDecimal actual,
            BigDecimal reported,
            long amount) {}

    /**
     * Draws up to {@code attempts} candidates, in order, and keeps the largest; stops at the first
     * that is worth at least {@link #MIN_LEAK_MINOR}. Null when no attempt produced a candidate.
     */
    private static <C> C bestCandidate(int attempts, IntFunction<C> draw, ToLongFunction<C> amount) {
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

    /**
     * Tries random (account, period) keys until a leak of at least {@link #MIN_LEAK_MINOR} is found;
     * on a small workload where none is that large, takes the largest clear leak seen.
     */
    private boolean placeLeak(String type, String meter, Kind kind, Method method) {
        Candidate best = bestCandidate(2000, attempt -> candidate(type, meter, kind, method), Candidate::amount);
        if (best == null) {
            return false;
        }
        commitLeak(type, meter, method, best);
        return true;
    }

    private Candidate candidate(String type, String meter, Kind kind, Method method) {
        Profile p = profiles.get(rng.nextInt(profiles.size()));
        List<BillingPeriod> periods = fullPeriods(p);
        if (leakAccounts.contains(p.id()) || periods.isEmpty()) {
            return null;
        }
        BillingPeriod period = periods.get(rng.nextInt(periods.size()));
        MeterTerms terms = book.terms(p.id(), meter, period.start()).orElse(null);
        if (terms == null) {
            return null;
        }
        Key key = new Key(p.id(), meter);
        List<Rec> modified = applyLeak(method, kind, reports.get(key), period);
        List<Timed> actualRecs = timed(usage.get(key), period);
        List<Timed> reportedRecs = timed(modified, period);
        BigDecimal actual = aggregate(terms.aggregation(), actualRecs);
        BigDecimal reported = aggregate(terms.aggregation(), reportedRecs);
        OptionalLong amount = LeakTiming.leakAmount(type, actual, reported, terms, priceOf(p, meter, period));
        BigDecimal clearly = terms.toleranceFor(actual, reported).multiply(BigDecimal.valueOf(2));
        if (amount.isEmpty() || actual.subtract(reported).abs().compareTo(clearly) <= 0) {
            return null;
        }
        return new Candidate(
                p, period, terms, modified, actualRecs, reportedRecs, actual, reported, amount.getAsLong());
    }

    private Function<BigDecimal, Long> priceOf(Profile p, String meter, BillingPeriod period) {
        return q -> book.price(p.id(), meter, period.start(), q);
    }

    private void commitLeak(String type, String meter, Method method, Candidate c) {
        Profile p = c.profile();
        reports.put(new Key(p.id(), meter), c.modified());
        leakAccounts.add(p.id());
        Function<BigDecimal, Long> price = priceOf(p, meter, c.period());
        Instant detectableAt =
                LeakTiming.detectableAt(type, c.period(), c.actualRecs(), c.reportedRecs(), c.terms(), price);
        TruthEntry t = new TruthEntry(
                type, p.id(), meter, c.period().start(), c.amount(), detectableAt, book.currency(p.id()));
        truth.add(t);
        ObjectNode detail = DemoJson.MAPPER.createObjectNode();
        detail.put("period_end", c.period().end().toString());
        detail.put("method", method.name().toLowerCase(Locale.ROOT));
        detail.put("actual_quantity", c.actual().toPlainString());
        detail.put("reported_quantity", c.reported().toPlainString());
        detail.put("expected_amount_minor", price.apply(c.actual()));
        detail.put("priced_reported_amount_minor", price.apply(c.reported()));
        truthDetails.put(t, detail);
    }

    private List<Rec> applyLeak(Method method, Kind kind, List<Rec> original, BillingPeriod period) {
        long days = Duration.between(period.start(), period.end()).toDays();
        List<Rec> out = new ArrayList<>();
        switch (method) {
            case OUTAGE -> {
                Instant from = period.start()
                        .plus(Duration.ofDays(2 + rng.nextInt((int) days - 6)))
                        .plus(HOUR.multipliedBy(rng.nextInt(24)));
                Instant to = from.plus(HOUR.multipliedBy(10 + rng.nextInt(31)));
                for (Rec r : original) {
                    if (r.time().isBefore(from) || !r.time().isBefore(to)) {
                        out.add(r);
                    }
                }
            }
            case SCALE_DOWN, INFLATE -> {
                Instant from = period.start().plus(Duration.ofDays(kind == Kind.MAX ? 1 : 1 + rng.nextInt(10)));
                BigDecimal factor = method == Method.INFLATE
                        ? GIB_PER_GB
                        : kind == Kind.MAX ? new BigDecimal("0.8") : new BigDecimal("0.9");
                RoundingMode rounding = method == Method.INFLATE ? RoundingMode.HALF_UP : RoundingMode.DOWN;
                for (Rec r : original) {
                    boolean affected = !r.time().isBefore(from) && r.time().isBefore(period.end());
                    out.add(
                            affected
                                    ? new Rec(
                                            r.id(),
                                            r.account(),
                                            r.meter(),
                                            r.time(),
                                            r.quantity().multiply(factor).setScale(kind.scale, rounding))
                                    : r);
                }
            }
            case DROP_EVERY_FIFTH -> {
                Instant from = period.start().plus(Duration.ofDays(1 + rng.nextInt(10)));
                int n = 0;
                for (Rec r : original) {
                    boolean affected = !r.time().isBefore(from) && r.time().isBefore(period.end());
                    if (!affected || ++n % 5 != 0) {
                        out.add(r);
                    }
                }
            }
            case RESEND -> {
                Instant from = period.start()
                        .plus(Duration.ofDays(2 + rng.nextInt((int) days - 6)))
                        .plus(HOUR.multipliedBy(rng.nextInt(24)));
                Instant to = from.plus(HOUR.multipliedBy(12 + rng.nextInt(37)));
                for (Rec r : original) {
                    out.add(r);
                    if (!r.time().isBefore(from) && r.time().isBefore(to)) {
                        out.add(new Rec(r.id() + "-resend", r.account(), r.meter(), r.time(), r.quantity()));
                    }
                }
            }
        }
        return out;
    }

    private List<BillingPeriod> fullPeriods(Profile p) {
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

    // ---------------------------------------------------------------- signals

    /** How a key's usage or reporting is bent to raise one real-time signal. */
    private enum SignalMethod {
        /** A batch job runs with 5 to 9 times its usual size for 1 to 3 hours. */
        BATCH_SURGE,
        /** The customer's integration is down for 3 to 6 busy hours: no usage, so no reports. */
        INTEGRATION_DOWN,
        /** Reports of 8 to 14 hours never sent; one catch-up report follows when reporting resumes. */
        REPORTING_OUTAGE_CAUGHT_UP
    }

    /**
     * REPORTING_GAP, USAGE_SPIKE and USAGE_DROP cases, {@code leaksPerType} of each (fewer on a
     * workload too small or too short for them), each on a sum meter of an account with no other
     * injection and no late records. The seasonal baseline needs four weeks of history, so spikes
     * and drops sit in the fifth week or later. A placement is kept only if replaying the job's rules
     * over the changed key gives exactly the designed identity: one episode (or gap) that starts with
     * the changed hours and does not touch a neighbouring run. Then every metering leak's key is replayed for the reporting gaps its leak implies
     * (an outage of 6 hours or more while usage goes on), which go into the truth too.
     */
    private void injectSignals() {
        String meter = sumMeter();
        long placedGaps = 0;
        long placedSpikes = 0;
        long placedDrops = 0;
        if (meter != null) {
            for (int i = 0; i < o.leaksPerType(); i++) {
                placedGaps += placeSignal(SignalMethod.REPORTING_OUTAGE_CAUGHT_UP, meter) ? 1 : 0;
                placedSpikes += placeSignal(SignalMethod.BATCH_SURGE, meter) ? 1 : 0;
                placedDrops += placeSignal(SignalMethod.INTEGRATION_DOWN, meter) ? 1 : 0;
            }
        }
        stats.put("signal_reporting_gaps", placedGaps);
        stats.put("signal_usage_spikes", placedSpikes);
        stats.put("signal_usage_drops", placedDrops);
        long implied = 0;
        for (TruthEntry leak : List.copyOf(truth)) {
            if (leak.type().equals(LeakTiming.UNDER) || leak.type().equals(LeakTiming.OVER)) {
                implied += addImpliedGaps(new Key(leak.accountId(), leak.meter()), leak);
            }
        }
        stats.put("leak_reporting_gaps", implied);
    }

    private record SignalCase(
            Profile profile, Key key, List<Rec> usage, List<Rec> reports, TruthEntry truth, ObjectNode detail) {}

    private boolean placeSignal(SignalMethod method, String meter) {
        for (int attempt = 0; attempt < 3000; attempt++) {
            SignalCase c = signalCase(method, meter);
            if (c != null) {
                usage.put(c.key(), c.usage());
                reports.put(c.key(), c.reports());
                leakAccounts.add(c.profile().id());
                truth.add(c.truth());
                truthDetails.put(c.truth(), c.detail());
                return true;
            }
        }
        return false;
    }

    private SignalCase signalCase(SignalMethod method, String meter) {
        Profile p = profiles.get(rng.nextInt(profiles.size()));
        if (leakAccounts.contains(p.id()) || fullPeriods(p).isEmpty()) {
            return null;
        }
        Key key = new Key(p.id(), meter);
        List<Rec> events = usage.get(key);
        if (events.isEmpty()) {
            return null;
        }
        Instant firstHour = hourOf(events.get(0).time());
        // Spikes and drops need four full weeks of history before them, and a week after them
        // inside the range; a gap needs room inside one full period.
        Instant earliest = method == SignalMethod.REPORTING_OUTAGE_CAUGHT_UP
                ? rangeStart.plus(Duration.ofDays(2))
                : firstHour.plus(SignalRules.WEEK.multipliedBy(SignalRules.WEEKS + 1));
        long span =
                Duration.between(earliest, rangeEnd.minus(Duration.ofDays(7))).toHours();
        if (span <= 0) {
            return null;
        }
        Instant h0 = earliest.plus(HOUR.multipliedBy(rng.nextInt((int) span)));
        BillingPeriod period = BillingPeriod.containing(h0, p.anchorDay());
        if (!fullPeriods(p).contains(period)) {
            return null;
        }
        if (method == SignalMethod.REPORTING_OUTAGE_CAUGHT_UP) {
            LocalDateTime local = LocalDateTime.ofInstant(h0, p.zone());
            boolean busy = local.getHour() >= 9 && local.getHour() < 15 && weekly(local.getDayOfWeek()) == 1.0;
            return busy ? gapCase(p, key, period, h0, 8 + rng.nextInt(7)) : null;
        }
        // Spikes and drops sit on accounts billed from the 1st, so the last period closes with the
        // input and every hour of the key is judged to its end, and wholly inside the dense window.
        int hours = method == SignalMethod.BATCH_SURGE ? 1 + rng.nextInt(3) : 3 + rng.nextInt(4);
        if (p.anchorDay() != 1 || !inDenseWindow(h0) || !inDenseWindow(h0.plus(HOUR.multipliedBy(hours - 1)))) {
            return null;
        }
        List<Rec> dense = densify(p, key, events);
        return method == SignalMethod.BATCH_SURGE
                ? usageCase(p, key, dense, h0, hours, 5 + rng.nextInt(5), method)
                : usageCase(p, key, dense, h0, hours, 0, method);
    }

    /**
     * Weekday hours 10:00-16:00 UTC, where the keys of spike and drop cases are dense (a customer's
     * batch job in business hours), so that a case's episode starts with its first changed hour. Six hours, not a whole business day, keep the added events near 10,000 per key.
     */
    static boolean inDenseWindow(Instant t) {
        ZonedDateTime utc = t.atZone(ZoneOffset.UTC);
        DayOfWeek day = utc.getDayOfWeek();
        return day != DayOfWeek.SATURDAY
                && day != DayOfWeek.SUNDAY
                && utc.getHour() >= DENSE_FROM_HOUR
                && utc.getHour() < DENSE_UNTIL_HOUR;
    }

    static final int DENSE_FROM_HOUR = 10;
    static final int DENSE_UNTIL_HOUR = 16;
    private static final int DENSE_MIN_EVENTS = 25;
    private static final int DENSE_MAX_EVENTS = 34;

    /**
     * The key's usage with every hour of the dense window over the whole range replaced by 25 to 34
     * events of the account's usual batch size (a customer's batch job running in business hours);
     * the other hours keep their sparse usage. The ids of the replaced events are not reused.
     */
    private List<Rec> densify(Profile p, Key key, List<Rec> events) {
        List<Rec> out = new ArrayList<>();
        for (Rec u : events) {
            if (!inDenseWindow(u.time())) {
                out.add(u);
            }
        }
        for (Instant h = rangeStart; h.isBefore(rangeEnd); h = h.plus(HOUR)) {
            if (!inDenseWindow(h)) {
                continue;
            }
            int n = DENSE_MIN_EVENTS + rng.nextInt(DENSE_MAX_EVENTS - DENSE_MIN_EVENTS + 1);
            for (int k = 0; k < n; k++) {
                Instant t = h.plusSeconds(rng.nextInt(3600));
                long calls = Math.max(1, Math.round(p.callBatch() * StrictMath.exp(0.4 * rng.nextGaussian())));
                out.add(newUsage(p, key.meter(), t, BigDecimal.valueOf(calls)));
            }
        }
        out.sort(Comparator.comparing(Rec::time).thenComparing(Rec::id));
        return out;
    }

    /** Multiplies (factor &gt; 0) or removes (factor 0) the usage of [h0, h0 + hours); reports follow. */
    private SignalCase usageCase(
            Profile p, Key key, List<Rec> events, Instant h0, int hours, int factor, SignalMethod method) {
        Instant h1 = h0.plus(HOUR.multipliedBy(hours));
        List<Rec> changed = new ArrayList<>();
        Set<Instant> touched = new HashSet<>();
        for (Rec u : events) {
            boolean inside = !u.time().isBefore(h0) && u.time().isBefore(h1);
            if (!inside) {
                changed.add(u);
                continue;
            }
            touched.add(hourOf(u.time()));
            if (factor > 0) {
                changed.add(new Rec(
                        u.id(), u.account(), u.meter(), u.time(), u.quantity().multiply(BigDecimal.valueOf(factor))));
            }
        }
        // Every hour of the case had usage: a spike multiplies something, a drop removes something.
        if (touched.size() != hours) {
            return null;
        }
        String type = factor > 0 ? SignalRules.SPIKE : SignalRules.DROP;
        // The changed hours must make one episode that starts with them. Noise elsewhere on the key
        // may raise signals of its own: they match no case and the report counts them as false.
        List<SignalRules.Episode> episodes =
                episodes(p, changed, h0.minus(Duration.ofDays(1)), h1.plus(Duration.ofDays(1))).stream()
                        .filter(e -> e.type().equals(type))
                        .filter(e -> !e.end().isBefore(h0) && !e.start().isAfter(h1))
                        .toList();
        if (episodes.size() != 1 || !episodes.get(0).start().equals(h0)) {
            return null;
        }
        SignalRules.Episode e = episodes.get(0);
        TruthEntry t = new TruthEntry(type, p.id(), key.meter(), h0, 0, e.detectableAt(), book.currency(p.id()));
        ObjectNode detail = DemoJson.MAPPER.createObjectNode();
        detail.put("period_end", e.end().toString());
        detail.put("method", method.name().toLowerCase(Locale.ROOT));
        detail.put("changed_hours", hours);
        if (factor > 0) {
            detail.put("factor", factor);
        }
        return new SignalCase(p, key, changed, baselineReports(key, Kind.of(key.meter()), changed), t, detail);
    }

    /**
     * Reports of [g0, g0 + hours) never sent; when reporting resumes, one catch-up report stamped in
     * the first reported hour carries their quantity, so the period ends fully reported. The catch-up
     * is stamped when it is sent, not back inside the gap: a record's hour is its event time, and a
     * report dated inside the gap would race the job's hourly ticks in a replay whose inputs are read
     * at different speeds.
     */
    private SignalCase gapCase(Profile p, Key key, BillingPeriod period, Instant g0, int hours) {
        Instant g1 = g0.plus(HOUR.multipliedBy(hours));
        List<Rec> events = usage.get(key);
        Map<Instant, BigDecimal> hourly = hourly(events);
        if (!hourly.containsKey(g0.minus(HOUR)) || !hourly.containsKey(g0)) {
            return null;
        }
        List<Rec> kept = new ArrayList<>();
        for (Rec r : reports.get(key)) {
            if (r.time().isBefore(g0) || !r.time().isBefore(g1)) {
                kept.add(r);
            }
        }
        Instant resumed = kept.stream()
                .map(r -> hourOf(r.time()))
                .filter(h -> !h.isBefore(g1))
                .min(Comparator.naturalOrder())
                .orElse(null);
        if (resumed == null || !resumed.plus(Duration.ofHours(2)).isBefore(period.end())) {
            return null;
        }
        BigDecimal before = BigDecimal.ZERO;
        BigDecimal inGap = BigDecimal.ZERO;
        for (Map.Entry<Instant, BigDecimal> e : hourly.entrySet()) {
            if (!e.getKey().isBefore(period.start()) && e.getKey().isBefore(g0)) {
                before = before.add(e.getValue());
            } else if (!e.getKey().isBefore(g0) && e.getKey().isBefore(resumed)) {
                inGap = inGap.add(e.getValue());
            }
        }
        kept.add(new Rec(
                "r-" + key.account() + "-" + key.meter() + "-catchup-" + HOUR_ID.format(resumed),
                key.account(),
                key.meter(),
                resumed.plus(Duration.ofMinutes(30)),
                inGap));
        kept.sort(Comparator.comparing(Rec::time).thenComparing(Rec::id));
        List<SignalRules.Gap> gaps = gaps(p, events, kept);
        if (gaps.size() != 1
                || !gaps.get(0).start().equals(g0)
                || !resumed.equals(gaps.get(0).resumedHour())) {
            return null;
        }
        long amount = gapAmount(p, key, period, before, inGap);
        if (amount < 1) {
            return null;
        }
        TruthEntry t = new TruthEntry(
                SignalRules.GAP, p.id(), key.meter(), g0, amount, gaps.get(0).detectableAt(), book.currency(p.id()));
        ObjectNode detail = gapDetail(period, resumed, before, inGap);
        detail.put("method", SignalMethod.REPORTING_OUTAGE_CAUGHT_UP.name().toLowerCase(Locale.ROOT));
        detail.put("catch_up_quantity", inGap.toPlainString());
        return new SignalCase(p, key, events, kept, t, detail);
    }

    /** The gap's amount as the job prices it: price(usage through the gap) - price(usage before it). */
    private long gapAmount(Profile p, Key key, BillingPeriod period, BigDecimal before, BigDecimal inGap) {
        Aggregation aggregation =
                book.terms(p.id(), key.meter(), period.start()).orElseThrow().aggregation();
        // Both sides are already aggregated: counts and sums add up, maxima take the larger.
        BigDecimal through = aggregation == Aggregation.MAX ? before.max(inGap) : before.add(inGap);
        return Math.max(
                0,
                book.price(p.id(), key.meter(), period.start(), through)
                        - book.price(p.id(), key.meter(), period.start(), before));
    }

    private static ObjectNode gapDetail(BillingPeriod period, Instant resumed, BigDecimal before, BigDecimal inGap) {
        ObjectNode detail = DemoJson.MAPPER.createObjectNode();
        detail.put("billing_period_start", period.start().toString());
        detail.put("resumed_hour", resumed == null ? null : resumed.toString());
        detail.put("usage_before_gap", before.toPlainString());
        detail.put("usage_in_gap", inGap.toPlainString());
        return detail;
    }

    /** The reporting gaps a metering leak's data raises, added to the truth; returns how many. */
    private long addImpliedGaps(Key key, TruthEntry leak) {
        Profile p = profiles.stream()
                .filter(x -> x.id().equals(key.account()))
                .findFirst()
                .orElseThrow();
        List<Rec> events = usage.get(key);
        long added = 0;
        for (SignalRules.Gap g : gaps(p, events, reports.get(key))) {
            BillingPeriod period = BillingPeriod.containing(g.start(), p.anchorDay());
            MeterTerms terms = book.terms(p.id(), key.meter(), period.start()).orElse(null);
            if (terms == null) {
                continue;
            }
            Instant until = g.resumedHour() != null ? g.resumedHour() : period.end();
            BigDecimal before = BigDecimal.ZERO;
            BigDecimal inGap = BigDecimal.ZERO;
            for (Rec u : events) {
                if (u.time().isBefore(period.start()) || !u.time().isBefore(until)) {
                    continue;
                }
                if (u.time().isBefore(g.start())) {
                    before = terms.aggregation().fold(before, u.quantity());
                } else {
                    inGap = terms.aggregation().fold(inGap, u.quantity());
                }
            }
            long amount = gapAmount(p, key, period, before, inGap);
            TruthEntry t = new TruthEntry(
                    SignalRules.GAP, p.id(), key.meter(), g.start(), amount, g.detectableAt(), book.currency(p.id()));
            ObjectNode detail = gapDetail(period, g.resumedHour(), before, inGap);
            detail.put("method", "from_" + leak.type().toLowerCase(Locale.ROOT) + "_leak");
            truth.add(t);
            truthDetails.put(t, detail);
            added++;
        }
        return added;
    }

    /** Usage per hour under the meter's aggregation (sum for the sum meters this is used with). */
    private static Map<Instant, BigDecimal> hourly(List<Rec> events) {
        Map<Instant, BigDecimal> out = new TreeMap<>();
        for (Rec u : events) {
            out.merge(hourOf(u.time()), u.quantity(), BigDecimal::add);
        }
        return out;
    }

    /**
     * The key's spike and drop episodes over the hours [from, to) (judging every hour of a key for each
     * placement attempt would cost minutes): an episode that starts before {@code from} is seen to start
     * at it, so only the episodes well inside the window are exact.
     */
    private List<SignalRules.Episode> episodes(Profile p, List<Rec> events, Instant from, Instant to) {
        Map<Instant, UsageDetector.Hour> hours = detectorHours(events);
        Instant first = hourOf(events.get(0).time());
        Instant start = from.isBefore(first) ? first : from;
        Instant until = to.isAfter(rangeEnd) ? rangeEnd : to;
        return SignalRules.episodes(hours, first, start, until, h -> BillingPeriod.containing(h, p.anchorDay())
                .start()
                .equals(h));
    }

    private static Map<Instant, UsageDetector.Hour> detectorHours(List<Rec> events) {
        return SignalRules.hours(
                events.stream().map(Rec::time).toList(),
                events.stream().map(Rec::quantity).toList());
    }

    private List<SignalRules.Gap> gaps(Profile p, List<Rec> events, List<Rec> keyReports) {
        Set<Instant> usageHours = new HashSet<>();
        events.forEach(u -> usageHours.add(hourOf(u.time())));
        Set<Instant> reportHours = new HashSet<>();
        keyReports.forEach(r -> reportHours.add(hourOf(r.time())));
        Instant first = events.isEmpty() ? rangeStart : hourOf(events.get(0).time());
        for (Rec r : keyReports) {
            first = r.time().isBefore(first) ? hourOf(r.time()) : first;
        }
        Instant lastEnd = BillingPeriod.containing(rangeEnd.minusSeconds(1), p.anchorDay())
                .end();
        return SignalRules.gaps(
                usageHours,
                reportHours,
                first.plus(HOUR),
                lastEnd.plus(LeakTiming.ALLOWED_LATENESS),
                t -> BillingPeriod.containing(t, p.anchorDay()).end().plus(LeakTiming.ALLOWED_LATENESS));
    }

    /**
     * The key-hours the spike and drop detector judges: for every key with usage, the hours from its
     * first usage hour to the end of the input (the job judges no hour after the data's end) that are
     * neither too young nor too sparse for it. Hours it cannot judge can raise no signal, so counting
     * them would dilute the false-signal rate. With
     * {@code gaps}, the key-hours the reporting gap rule runs on instead: every hour from the key's
     * first usage hour to the end of its last billing period.
     */
    private long signalKeyHours(boolean gaps) {
        long total = 0;
        for (Profile p : profiles) {
            for (String meter : o.meters()) {
                List<Rec> events = usage.get(new Key(p.id(), meter));
                if (events.isEmpty()) {
                    continue;
                }
                Instant until = BillingPeriod.containing(
                                events.get(events.size() - 1).time(), p.anchorDay())
                        .end();
                Instant first = hourOf(events.get(0).time());
                total += gaps
                        ? Duration.between(first, until).toHours()
                        : SignalRules.judgedHours(
                                detectorHours(events), first, until.isAfter(rangeEnd) ? rangeEnd : until);
            }
        }
        return total;
    }

    // ---------------------------------------------------------------- late records

    /**
     * Usage events and reports that arrive 1 to 5 hours after their event time, inside the allowed
     * lateness. They are taken from sum meters of leak-free accounts, in the second half of a
     * period, from hours with at most 0.2 % of the period's quantity: until the late record arrives
     * the two sides differ by less than the tolerance (0.5 % of at least half the period), so a late
     * record never makes the job raise an anomaly, not even for a moment.
     */
    private void chooseLateRecords() {
        String sumMeter = sumMeter();
        if (sumMeter == null) {
            return;
        }
        int placed = 0;
        for (int attempt = 0; attempt < 500 * o.lateRecords() && placed < o.lateRecords(); attempt++) {
            SmallHour h = smallHour(sumMeter, 0.5, 6);
            if (h == null) {
                continue;
            }
            Duration late = Duration.ofMinutes(60 + rng.nextInt(241));
            if (placed % 2 == 0) {
                Rec u = h.usage().get(rng.nextInt(h.usage().size()));
                usageArrival.put(u.id(), u.time().plus(late));
            } else {
                reportArrival.put(h.report().id(), h.report().time().plus(late));
            }
            lateAccounts.add(h.report().account());
            placed++;
        }
        stats.put("late_records", (long) placed);
    }

    /**
     * Key-hours whose usage events and report all arrive after the period was final (period end +
     * 6 h lateness, plus 45 to 105 minutes of margin over the job's out-of-orderness bound). Report
     * and usage come together, so the late revision they cause still shows no leak.
     */
    private void chooseAfterFinalHours() {
        String sumMeter = sumMeter();
        if (sumMeter == null) {
            return;
        }
        int placed = 0;
        long records = 0;
        for (int attempt = 0; attempt < 2000 * o.afterFinalHours() && placed < o.afterFinalHours(); attempt++) {
            SmallHour h = smallHour(sumMeter, 0.2, 5 * 24);
            if (h == null || !h.period().end().plus(Duration.ofHours(8)).isBefore(rangeEnd)) {
                continue;
            }
            Instant arrival =
                    h.period().end().plus(LeakTiming.ALLOWED_LATENESS).plus(Duration.ofMinutes(45 + rng.nextInt(61)));
            for (Rec u : h.usage()) {
                usageArrival.put(u.id(), arrival);
                neverDuplicated.add(u.id());
                records++;
            }
            reportArrival.put(h.report().id(), arrival.plusSeconds(1));
            neverDuplicated.add(h.report().id());
            records++;
            lateAccounts.add(h.report().account());
            placed++;
        }
        stats.put("after_final_hours", (long) placed);
        stats.put("after_final_records", records);
    }

    private record SmallHour(BillingPeriod period, List<Rec> usage, Rec report) {}

    /** A random hour of a leak-free account with a small share of its period's quantity. */
    private SmallHour smallHour(String meter, double fromShareOfPeriod, int hoursBeforeEnd) {
        Profile p = profiles.get(rng.nextInt(profiles.size()));
        List<BillingPeriod> periods = fullPeriods(p);
        if (leakAccounts.contains(p.id()) || periods.isEmpty()) {
            return null;
        }
        BillingPeriod period = periods.get(rng.nextInt(periods.size()));
        long hours = Duration.between(period.start(), period.end()).toHours();
        long first = (long) (hours * fromShareOfPeriod);
        long last = hours - hoursBeforeEnd;
        if (last <= first) {
            return null;
        }
        Instant hour = period.start().plus(HOUR.multipliedBy(first + rng.nextInt((int) (last - first))));
        Key key = new Key(p.id(), meter);
        if (!usedLateHours.add(key + "@" + hour)) {
            return null;
        }
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal inHour = BigDecimal.ZERO;
        List<Rec> hourUsage = new ArrayList<>();
        for (Rec u : usage.get(key)) {
            if (period.contains(u.time())) {
                total = total.add(u.quantity());
                if (hourOf(u.time()).equals(hour)) {
                    inHour = inHour.add(u.quantity());
                    hourUsage.add(u);
                }
            }
        }
        if (hourUsage.isEmpty()
                || inHour.multiply(BigDecimal.valueOf(SMALL_SHARE_DIVISOR)).compareTo(total) >= 0) {
            return null;
        }
        String reportId = reportId(key, hour);
        Rec report = reports.get(key).stream()
                .filter(r -> r.id().equals(reportId))
                .findFirst()
                .orElseThrow();
        return new SmallHour(period, hourUsage, report);
    }

    private String sumMeter() {
        return o.meters().stream()
                .filter(m -> Kind.of(m) == Kind.SUM)
                .findFirst()
                .orElse(null);
    }

    // ---------------------------------------------------------------- invoices and billing leaks

    /** The (account, meter, billing period) an invoice line bills. */
    record BilledKey(String account, String meter, BillingPeriod period) {}

    /** One record of an invoice line; a later record with the same line id replaces the earlier one. */
    private record InvoiceRecord(
            String invoiceId, String lineId, BigDecimal quantity, long amountMinor, String currency, String status) {

        InvoiceRecord with(BigDecimal newQuantity, long newAmount, String newStatus) {
            return new InvoiceRecord(invoiceId, lineId, newQuantity, newAmount, currency, newStatus);
        }

        InvoiceRecord onInvoice(String newInvoiceId) {
            return new InvoiceRecord(newInvoiceId, lineId, quantity, amountMinor, currency, status);
        }
    }

    /** The ways a billing system bills something else than what was reported. */
    private enum BillingMethod {
        /** The meter was left off the period's invoice. */
        NOT_INVOICED,
        /** The line was issued, then voided and never reissued. */
        VOIDED,
        /** Only the included quantity and the first tier were billed; the overage was dropped. */
        OVERAGE_NOT_BILLED,
        /** The line billed a usage snapshot taken three days before the period closed. */
        STALE_SNAPSHOT,
        /** A correct draft line was replaced by a record that bills the stale snapshot. */
        REISSUED_STALE,
        /** The line was billed at the pre-renewal prices: the escalator was not applied. */
        OLD_PRICES,
        /** The same usage billed twice, on a second invoice. */
        DOUBLE_BILLED,
        /** The line billed 10 % more than the reported quantity (a manual quantity edit). */
        INFLATED_QUANTITY
    }

    /** A priced, clean key that an injection could change. */
    private record BillingCandidate(
            Profile profile,
            BilledKey key,
            ContractVersion contract,
            MeterTerms terms,
            BigDecimal reported,
            long pricedReported,
            long pricedWithoutEscalation,
            List<InvoiceRecord> lines,
            long billed,
            long amount) {}

    /**
     * The healthy billing system: one line per (account, meter, period) of every account, billing the
     * priced reported quantity, including the partial periods at both ends of the range (their
     * invoices are consistent with what was reported, so they carry no billing anomaly).
     */
    private void planInvoices() {
        for (Profile p : profiles) {
            for (BillingPeriod period = BillingPeriod.containing(rangeStart, p.anchorDay());
                    period.start().isBefore(rangeEnd);
                    period = period.next()) {
                for (String meter : o.meters()) {
                    if (book.terms(p.id(), meter, period.start()).isEmpty()) {
                        continue;
                    }
                    BilledKey key = new BilledKey(p.id(), meter, period);
                    BigDecimal reported = reportedQuantity(key);
                    long amount = book.price(p.id(), meter, period.start(), reported);
                    List<InvoiceRecord> lines = new ArrayList<>();
                    lines.add(baseLine(key, reported, amount));
                    invoicePlan.put(key, lines);
                }
            }
        }
    }

    private InvoiceRecord baseLine(BilledKey key, BigDecimal quantity, long amount) {
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

    private BigDecimal reportedQuantity(BilledKey key) {
        MeterTerms terms =
                book.terms(key.account(), key.meter(), key.period().start()).orElseThrow();
        return aggregate(terms.aggregation(), timed(reports.get(new Key(key.account(), key.meter())), key.period()));
    }

    private void injectBillingLeaks() {
        Map<String, BillingMethod[]> methods = new LinkedHashMap<>();
        methods.put(LeakTiming.UNBILLED, new BillingMethod[] {BillingMethod.NOT_INVOICED, BillingMethod.VOIDED});
        methods.put(LeakTiming.MISSED_OVERAGE, new BillingMethod[] {
            BillingMethod.OVERAGE_NOT_BILLED, BillingMethod.STALE_SNAPSHOT, BillingMethod.REISSUED_STALE
        });
        methods.put(LeakTiming.RENEWAL_DRIFT, new BillingMethod[] {BillingMethod.OLD_PRICES});
        methods.put(
                LeakTiming.OVERBILLED,
                new BillingMethod[] {BillingMethod.DOUBLE_BILLED, BillingMethod.INFLATED_QUANTITY});
        int meters = o.meters().size();
        methods.forEach((type, ways) -> {
            long placed = 0;
            for (int i = 0; i < o.leaksPerType(); i++) {
                BillingMethod method = ways[(i + i / meters) % ways.length];
                // Renewals in the range are rarer; a drift takes any meter of such an account.
                String meter = type.equals(LeakTiming.RENEWAL_DRIFT)
                        ? null
                        : o.meters().get(i % meters);
                if (placeBillingLeak(type, method, meter)) {
                    placed++;
                }
            }
            stats.put("billing_leaks_" + type.toLowerCase(Locale.ROOT), placed);
        });
    }

    /**
     * Tries random clean keys until a leak of at least {@link #MIN_LEAK_MINOR} is found, preferring
     * accounts without any other injection; on a small workload takes the largest clear one seen.
     * Unlike the metering leaks a billing leak may be missing on a small workload (few renewals).
     */
    private boolean placeBillingLeak(String type, BillingMethod method, String meter) {
        BillingCandidate best = bestCandidate(
                3000, attempt -> billingCandidate(type, method, meter, attempt < 1500), BillingCandidate::amount);
        if (best == null) {
            return false;
        }
        commitBillingLeak(type, method, best);
        return true;
    }

    /** A random clean, priced key of a full period: no metering leak, no late records, not yet touched. */
    private BillingCandidate cleanKey(String meterOrNull, boolean freshAccount) {
        Profile p = profiles.get(rng.nextInt(profiles.size()));
        String meter = meterOrNull != null
                ? meterOrNull
                : o.meters().get(rng.nextInt(o.meters().size()));
        List<BillingPeriod> periods = fullPeriods(p);
        if (leakAccounts.contains(p.id()) || lateAccounts.contains(p.id()) || periods.isEmpty()) {
            return null;
        }
        if (freshAccount && touchedKeys.stream().anyMatch(k -> k.account().equals(p.id()))) {
            return null;
        }
        BilledKey key = new BilledKey(p.id(), meter, periods.get(rng.nextInt(periods.size())));
        if (touchedKeys.contains(key) || !invoicePlan.containsKey(key)) {
            return null;
        }
        ContractVersion contract = book.applicable(p.id(), key.period().start()).orElseThrow();
        MeterTerms terms = contract.meter(meter).orElseThrow();
        BigDecimal reported = reportedQuantity(key);
        long priced = Pricer.priceMinor(contract, terms, key.period().start(), reported);
        long withoutEscalation = Pricer.priceMinorWithoutEscalation(terms, reported);
        return new BillingCandidate(
                p, key, contract, terms, reported, priced, withoutEscalation, invoicePlan.get(key), priced, 0);
    }

    private BillingCandidate billingCandidate(String type, BillingMethod method, String meter, boolean fresh) {
        BillingCandidate c = cleanKey(meter, fresh);
        if (c == null) {
            return null;
        }
        BilledKey key = c.key();
        Instant start = key.period().start();
        boolean escalated = c.contract().escalatedFor(start);
        if (type.equals(LeakTiming.RENEWAL_DRIFT) && !escalated) {
            return null;
        }
        InvoiceRecord base = c.lines().get(0);
        Function<BigDecimal, Long> price = q -> Pricer.priceMinor(c.contract(), c.terms(), start, q);
        List<InvoiceRecord> lines = new ArrayList<>();
        switch (method) {
            case NOT_INVOICED -> {}
            case VOIDED -> {
                // On an invoice of its own: a billing system voids invoices, not lines.
                InvoiceRecord own = base.onInvoice(base.invoiceId() + "_voided");
                lines.add(own);
                lines.add(own.with(own.quantity(), own.amountMinor(), "void"));
            }
            case OVERAGE_NOT_BILLED -> {
                BigDecimal cap = c.terms().includedQuantity().add(firstTierUpTo(c.terms()));
                if (c.reported().compareTo(cap) <= 0) {
                    return null;
                }
                lines.add(base.with(cap, price.apply(cap), base.status()));
            }
            case STALE_SNAPSHOT, REISSUED_STALE -> {
                BigDecimal snapshot = aggregate(
                        c.terms().aggregation(),
                        timed(reports.get(new Key(key.account(), key.meter())), key.period()).stream()
                                .filter(t ->
                                        t.time().isBefore(key.period().end().minus(Duration.ofDays(3))))
                                .toList());
                if (method == BillingMethod.REISSUED_STALE) {
                    lines.add(base.with(base.quantity(), base.amountMinor(), "draft"));
                }
                lines.add(base.with(snapshot, price.apply(snapshot), base.status()));
            }
            case OLD_PRICES -> lines.add(base.with(c.reported(), c.pricedWithoutEscalation(), base.status()));
            case DOUBLE_BILLED -> {
                lines.add(base);
                lines.add(new InvoiceRecord(
                        base.invoiceId() + "_2",
                        base.lineId() + "_2",
                        base.quantity(),
                        base.amountMinor(),
                        base.currency(),
                        base.status()));
            }
            case INFLATED_QUANTITY -> {
                BigDecimal inflated = c.reported()
                        .multiply(new BigDecimal("1.1"))
                        .setScale(Kind.of(key.meter()).scale, RoundingMode.HALF_UP);
                lines.add(base.with(inflated, price.apply(inflated), base.status()));
            }
        }
        Map<String, InvoiceRecord> effective = new LinkedHashMap<>();
        lines.forEach(l -> effective.put(l.lineId(), l));
        boolean anyLine = false;
        long billed = 0;
        for (InvoiceRecord l : effective.values()) {
            if (!"void".equals(l.status())) {
                anyLine = true;
                billed += l.amountMinor();
            }
        }
        String raised =
                LeakTiming.billingType(anyLine, billed, c.pricedReported(), c.pricedWithoutEscalation(), escalated);
        if (!type.equals(raised)) {
            return null;
        }
        // Clearly one type: a drift bills the old price exactly, a missed overage is far from it.
        if (escalated
                && type.equals(LeakTiming.MISSED_OVERAGE)
                && Math.abs(billed - c.pricedWithoutEscalation()) <= CLEAR_BILLING_MINOR) {
            return null;
        }
        long amount = LeakTiming.billingAmount(type, billed, c.pricedReported());
        if (amount < CLEAR_BILLING_MINOR) {
            return null;
        }
        return new BillingCandidate(
                c.profile(),
                key,
                c.contract(),
                c.terms(),
                c.reported(),
                c.pricedReported(),
                c.pricedWithoutEscalation(),
                lines,
                billed,
                amount);
    }

    /** The first tier's upper bound of a tiered model; zero for per-unit and package prices. */
    private static BigDecimal firstTierUpTo(MeterTerms terms) {
        List<Tier> tiers = List.of();
        if (terms.pricing() instanceof Graduated g) {
            tiers = g.tiers();
        } else if (terms.pricing() instanceof Volume v) {
            tiers = v.tiers();
        }
        return tiers.isEmpty() || tiers.get(0).upTo() == null
                ? BigDecimal.ZERO
                : tiers.get(0).upTo();
    }

    private void commitBillingLeak(String type, BillingMethod method, BillingCandidate c) {
        BilledKey key = c.key();
        invoicePlan.put(key, c.lines());
        touchedKeys.add(key);
        TruthEntry t = new TruthEntry(
                type,
                key.account(),
                key.meter(),
                key.period().start(),
                c.amount(),
                LeakTiming.billingDetectableAt(type, key.period()),
                book.currency(key.account()));
        truth.add(t);
        ObjectNode detail = DemoJson.MAPPER.createObjectNode();
        detail.put("period_end", key.period().end().toString());
        detail.put("method", method.name().toLowerCase(Locale.ROOT));
        detail.put("actual_quantity", c.reported().toPlainString());
        detail.put("reported_quantity", c.reported().toPlainString());
        detail.put("priced_reported_amount_minor", c.pricedReported());
        if (type.equals(LeakTiming.UNBILLED)) {
            detail.putNull("billed_amount_minor");
        } else {
            detail.put("billed_amount_minor", c.billed());
        }
        if (c.contract().escalatedFor(key.period().start())) {
            detail.put("priced_without_escalation_minor", c.pricedWithoutEscalation());
        }
        truthDetails.put(t, detail);
    }

    /**
     * Invoice records on clean keys that must not raise anything: a draft with a wrong amount that a
     * later record of the same line corrects, a voided extra line, and lines in another currency
     * than the contract's (the job dead-letters them; the key keeps its correct line).
     */
    private void addInvoiceNoise() {
        long replaced = 0;
        long voided = 0;
        long wrongCurrency = 0;
        for (int attempt = 0; attempt < 2000 && (replaced < 1 || voided < 1 || wrongCurrency < 2); attempt++) {
            BillingCandidate c = cleanKey(null, true);
            if (c == null || c.pricedReported() < CLEAR_BILLING_MINOR) {
                continue;
            }
            InvoiceRecord base = c.lines().get(0);
            List<InvoiceRecord> lines = new ArrayList<>();
            if (replaced < 1) {
                lines.add(base.with(base.quantity(), 2 * base.amountMinor() + 100, "draft"));
                lines.add(base);
                replaced++;
            } else if (voided < 1) {
                lines.add(base);
                lines.add(new InvoiceRecord(
                        base.invoiceId() + "_2",
                        base.lineId() + "_2",
                        base.quantity(),
                        base.amountMinor(),
                        base.currency(),
                        "void"));
                voided++;
            } else {
                lines.add(base);
                lines.add(new InvoiceRecord(
                        base.invoiceId() + "_fx",
                        base.lineId() + "_fx",
                        base.quantity(),
                        base.amountMinor(),
                        base.currency().equals("usd") ? "eur" : "usd",
                        base.status()));
                wrongCurrency++;
            }
            invoicePlan.put(c.key(), lines);
            touchedKeys.add(c.key());
        }
        stats.put("invoice_corrected_lines", replaced);
        stats.put("invoice_voided_extra_lines", voided);
        stats.put("invoice_wrong_currency_lines", wrongCurrency);
    }

    // ---------------------------------------------------------------- upsell opportunities

    /** Positive upsell cases: both judged periods at least this many times the allowance. */
    private static final BigDecimal UPSELL_CLEAR = new BigDecimal("1.6");
    /** Near misses: every period at most this many times the allowance, under the 20 % margin. */
    private static final BigDecimal UPSELL_NEAR = new BigDecimal("1.12");

    /**
     * Upsell cases, placed last with a Random of their own so that every other injection, and the
     * random stream the rendering draws from, stays as it was: on clean accounts (no leak, signal,
     * late record or invoice noise, one contract version, billed from the 1st, no minimum amount) a
     * meter's included quantity is set below the key's usage. A positive case puts it at most 1/1.6 of
     * the key's usage in each of the last two periods (the customer outgrew a small plan); a near miss
     * just under the usage of every period, so that each exceeds it by less than the margin (a
     * customer at the edge of the plan, no opportunity). The usage itself is not touched: the key's
     * hours, reports and signals stay as generated; its invoices are priced again with the new plan.
     */
    private void injectUpsellCases() {
        Random upsellRng = new Random(o.seed() * 31 + 7);
        List<Profile> shuffled = new ArrayList<>(profiles);
        Collections.shuffle(shuffled, upsellRng);
        int wanted = o.leaksPerType();
        long positives = 0;
        long nearMisses = 0;
        int meterTurn = 0;
        for (Profile p : shuffled) {
            if (positives >= wanted && nearMisses >= wanted) {
                break;
            }
            if (!cleanForUpsell(p)) {
                continue;
            }
            List<BillingPeriod> periods = fullPeriods(p);
            if (periods.size() < 2) {
                continue;
            }
            String meter = o.meters().get(meterTurn++ % o.meters().size());
            boolean positive = positives < wanted && (nearMisses >= wanted || (positives + nearMisses) % 2 == 0);
            Key key = new Key(p.id(), meter);
            MeterTerms terms = book.terms(p.id(), meter, periods.get(0).start()).orElse(null);
            if (terms == null || terms.minimumAmountMinor() > 0) {
                continue;
            }
            List<BigDecimal> quantities = new ArrayList<>();
            for (BillingPeriod period : periods) {
                quantities.add(aggregate(terms.aggregation(), timed(usage.get(key), period)));
            }
            List<BigDecimal> lastTwo = quantities.subList(quantities.size() - 2, quantities.size());
            BigDecimal low = lastTwo.stream().min(BigDecimal::compareTo).orElseThrow();
            BigDecimal included;
            if (positive) {
                included = low.divide(UPSELL_CLEAR, 0, RoundingMode.DOWN);
            } else {
                BigDecimal high = quantities.stream().max(BigDecimal::compareTo).orElseThrow();
                included = high.divide(UPSELL_NEAR, 0, RoundingMode.UP);
                if (low.compareTo(included) <= 0) {
                    continue; // not above the plan in both periods: no near miss to show
                }
            }
            if (included.compareTo(BigDecimal.TEN) < 0) {
                continue; // too little usage to make a plan of
            }
            setIncluded(p, meter, included);
            stats.merge(positive ? "upsell_cases" : "upsell_near_misses", 1L, Long::sum);
            upsellCases.put(key, positive ? "outgrown_plan" : "near_miss");
            if (positive) {
                positives++;
            } else {
                nearMisses++;
            }
        }
        stats.putIfAbsent("upsell_cases", 0L);
        stats.putIfAbsent("upsell_near_misses", 0L);
    }

    private boolean cleanForUpsell(Profile p) {
        if (p.anchorDay() != 1
                || leakAccounts.contains(p.id())
                || lateAccounts.contains(p.id())
                || upsellCases.keySet().stream().anyMatch(k -> k.account().equals(p.id()))) {
            return false;
        }
        if (touchedKeys.stream().anyMatch(k -> k.account().equals(p.id()))) {
            return false;
        }
        return contracts.stream()
                        .filter(c -> c.get("account_id").asText().equals(p.id()))
                        .count()
                == 1;
    }

    /** Sets a meter's included quantity in the account's one contract, and prices its invoices again. */
    private void setIncluded(Profile p, String meter, BigDecimal included) {
        ObjectNode contract = contracts.stream()
                .filter(c -> c.get("account_id").asText().equals(p.id()))
                .findFirst()
                .orElseThrow();
        for (JsonNode m : contract.get("meters")) {
            if (m.get("meter").asText().equals(meter)) {
                ((ObjectNode) m).put("included_quantity", included.toPlainString());
            }
        }
        // The book holds the decoded contracts; the changed version replaces the old one.
        book.add(contract);
        for (Map.Entry<BilledKey, List<InvoiceRecord>> e : invoicePlan.entrySet()) {
            BilledKey key = e.getKey();
            if (key.account().equals(p.id()) && key.meter().equals(meter)) {
                BigDecimal reported = reportedQuantity(key);
                long amount = book.price(p.id(), meter, key.period().start(), reported);
                e.setValue(new ArrayList<>(List.of(baseLine(key, reported, amount))));
            }
        }
    }

    /**
     * The UPSELL_OPPORTUNITY truth: every (account, meter, period) of the workload that meets the rule
     * ({@link UpsellTruth}), the placed cases and the keys whose own usage outgrew their plan alike,
     * from the usage generated and the contracts written.
     */
    private void addUpsellTruth() {
        long organic = 0;
        for (Profile p : profiles) {
            for (String meter : o.meters()) {
                Key key = new Key(p.id(), meter);
                for (BillingPeriod period = BillingPeriod.containing(rangeStart, p.anchorDay());
                        period.start().isBefore(rangeEnd);
                        period = period.next()) {
                    UpsellTruth.Judgement j = UpsellTruth.judge(
                                    book, p.id(), meter, period, usage.get(key), UpsellTruth.DEFAULT_MARGIN_PCT)
                            .orElse(null);
                    if (j == null || !j.opportunity()) {
                        continue;
                    }
                    TruthEntry t = UpsellTruth.entry(p.id(), meter, j, book.currency(p.id()));
                    truth.add(t);
                    String method = upsellCases.getOrDefault(key, "organic");
                    organic += method.equals("organic") ? 1 : 0;
                    ObjectNode detail = DemoJson.MAPPER.createObjectNode();
                    detail.put("period_end", period.end().toString());
                    detail.put("method", method);
                    detail.put("actual_quantity", j.quantity().toPlainString());
                    detail.put("previous_quantity", j.previousQuantity().toPlainString());
                    detail.put("allowance", j.allowance().toPlainString());
                    detail.put("margin_pct", UpsellTruth.DEFAULT_MARGIN_PCT);
                    truthDetails.put(t, detail);
                }
            }
        }
        stats.put("upsell_organic", organic);
    }

    // ---------------------------------------------------------------- rendering

    private List<String> renderContracts(Map<String, Integer> bad) {
        List<ObjectNode> sorted = new ArrayList<>(contracts);
        sorted.sort(Comparator.comparing(
                        (ObjectNode n) -> Instant.parse(n.get("effective_from").asText()))
                .thenComparing(n -> n.get("account_id").asText())
                .thenComparing(n -> n.get("version").asInt()));
        List<String> lines = new ArrayList<>();
        for (ObjectNode n : sorted) {
            lines.add(DemoJson.line(n));
        }
        String account = profiles.get(0).id();
        return withBadLines(
                DemoWorkload.CONTRACTS_FILE,
                lines,
                List.of(
                        "{\"account_id\":\"" + account + "\",\"version\":9,\"effective_from\":\"2026-01-01T00:00:00Z\"",
                        "{\"version\":1,\"effective_from\":\"2026-01-01T00:00:00Z\",\"currency\":\"usd\",\"meters\":[]}"),
                bad);
    }

    private List<String> renderRecords(
            String file, Map<Key, List<Rec>> recordsByKey, Map<String, Instant> arrivals, Map<String, Integer> bad) {
        boolean isUsage = file.equals(DemoWorkload.USAGE_FILE);
        List<Line> lines = new ArrayList<>();
        long seq = 0;
        long unique = 0;
        long duplicates = 0;
        int disorderSeconds = (int) o.maxDisorder().toSeconds();
        for (List<Rec> recs : recordsByKey.values()) {
            for (Rec r : recs) {
                ObjectNode n = DemoJson.MAPPER.createObjectNode();
                n.put(isUsage ? "event_id" : "report_id", r.id());
                n.put("account_id", r.account());
                n.put("meter", r.meter());
                n.put("event_time", r.time().toString());
                n.put("quantity", DemoJson.quantity(r.quantity()));
                if (isUsage && Kind.of(r.meter()) == Kind.SUM && rng.nextInt(4) == 0) {
                    n.putObject("attributes").put("endpoint", pick("/v1/search", "/v1/embed", "/v1/query"));
                }
                String json = DemoJson.line(n);
                // Out of order: every record arrives up to maxDisorder after its event time.
                Instant jittered = r.time().plusSeconds(rng.nextInt(disorderSeconds + 1));
                Instant arrival = arrivals.getOrDefault(r.id(), jittered);
                lines.add(new Line(arrival.toEpochMilli(), seq++, json));
                unique++;
                if (!neverDuplicated.contains(r.id()) && rng.nextInt(1000) < o.duplicatePermille()) {
                    // The same record again (a producer retry), shortly after the first copy.
                    Instant again = arrival.plusSeconds(1 + rng.nextInt(disorderSeconds + 1));
                    lines.add(new Line(again.toEpochMilli(), seq++, json));
                    duplicates++;
                }
            }
        }
        lines.sort(Comparator.comparingLong(Line::arrivalMillis).thenComparingLong(Line::seq));
        List<String> out = new ArrayList<>(lines.size());
        for (Line l : lines) {
            out.add(l.json());
        }
        String prefix = isUsage ? "usage" : "reports";
        stats.put(prefix, unique);
        stats.put(prefix + "_duplicates", duplicates);
        return withBadLines(file, out, isUsage ? badUsage() : badReports(), bad);
    }

    private List<String> badUsage() {
        String a = profiles.get(profiles.size() / 2).id();
        String m = o.meters().get(0);
        String t =
                rangeStart.plus(Duration.ofDays(5)).plus(HOUR.multipliedBy(10)).toString();
        return List.of(
                "{\"event_id\":\"u-bad-1\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"12\"",
                "{\"event_id\":\"u-bad-2\",\"meter\":\"" + m + "\",\"event_time\":\"" + t + "\",\"quantity\":\"40\"}",
                "{\"event_id\":\"u-bad-3\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"-250\"}",
                "{\"event_id\":\"u-bad-4\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"12abc\"}",
                "{\"event_id\":\"u-bad-5\",\"account_id\":\"" + a + "\",\"meter\":\"" + m
                        + "\",\"event_time\":\"2026-02-30T25:61:00Z\",\"quantity\":\"3\"}",
                "not json at all",
                "{\"event_id\":\"u-bad-7\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"-1\"}",
                "{\"event_id\":\"u-bad-8\",\"account_id\":\"" + a + "\",\"meter\":\"" + m
                        + "\",\"event_time\":\"yesterday\",\"quantity\":\"5\"}");
    }

    private List<String> badReports() {
        String a = profiles.get(profiles.size() / 3).id();
        String m = o.meters().get(0);
        String t = rangeStart
                .plus(Duration.ofDays(9))
                .plus(HOUR.multipliedBy(14))
                .plusSeconds(3599)
                .toString();
        return List.of(
                "{\"report_id\":\"r-bad-1\",\"account_id\":\"" + a + "\",\"meter\":",
                "{\"report_id\":\"r-bad-2\",\"meter\":\"" + m + "\",\"event_time\":\"" + t + "\",\"quantity\":\"10\"}",
                "{\"report_id\":\"r-bad-3\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"-10\"}",
                "{\"report_id\":\"r-bad-4\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"ten\"}",
                "{\"report_id\":\"r-bad-5\",\"account_id\":\"" + a + "\",\"meter\":\"" + m
                        + "\",\"event_time\":\"2026-01-10 14:00\",\"quantity\":\"10\"}",
                "{\"report_id\":\"r-bad-6\",\"account_id\":null,\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"10\"}");
    }

    private List<String> renderInvoices(Map<String, Integer> bad) {
        record Invoice(Instant issued, String account, String meter, long seq, String json) {}
        List<Invoice> invoices = new ArrayList<>();
        long seq = 0;
        for (Map.Entry<BilledKey, List<InvoiceRecord>> e : invoicePlan.entrySet()) {
            BilledKey key = e.getKey();
            for (InvoiceRecord r : e.getValue()) {
                ObjectNode n = DemoJson.MAPPER.createObjectNode();
                n.put("invoice_id", r.invoiceId());
                n.put("line_id", r.lineId());
                n.put("account_id", key.account());
                n.put("meter", key.meter());
                n.put("period_start", key.period().start().toString());
                n.put("period_end", key.period().end().toString());
                n.put("quantity", DemoJson.quantity(r.quantity()));
                n.put("amount_minor", r.amountMinor());
                n.put("currency", r.currency());
                n.put("status", r.status());
                invoices.add(new Invoice(key.period().end(), key.account(), key.meter(), seq++, DemoJson.line(n)));
            }
        }
        // Issued at period end; the records of one line keep their order, so a later one replaces.
        invoices.sort(Comparator.comparing(Invoice::issued)
                .thenComparing(Invoice::account)
                .thenComparing(Invoice::meter)
                .thenComparingLong(Invoice::seq));
        List<String> lines = new ArrayList<>();
        for (Invoice i : invoices) {
            lines.add(i.json());
        }
        stats.put("invoice_lines", (long) lines.size());
        String a = profiles.get(profiles.size() / 4).id();
        String m = o.meters().get(0);
        String ps = rangeStart.toString();
        String pe = rangeStart.atZone(ZoneOffset.UTC).plusMonths(1).toInstant().toString();
        return withBadLines(
                DemoWorkload.INVOICES_FILE,
                lines,
                List.of(
                        "{\"invoice_id\":\"in_bad_1\",\"line_id\":\"il_bad_1\",\"account_id\":\"" + a,
                        "{\"invoice_id\":\"in_bad_2\",\"line_id\":\"il_bad_2\",\"meter\":\"" + m
                                + "\",\"period_start\":\""
                                + ps + "\",\"period_end\":\"" + pe
                                + "\",\"quantity\":\"1\",\"amount_minor\":100,\"currency\":\"usd\",\"status\":\"open\"}",
                        "{\"invoice_id\":\"in_bad_3\",\"line_id\":\"il_bad_3\",\"account_id\":\"" + a
                                + "\",\"meter\":\""
                                + m + "\",\"period_start\":\"" + ps + "\",\"period_end\":\"" + pe
                                + "\",\"quantity\":\"-3\",\"amount_minor\":100,\"currency\":\"usd\",\"status\":\"open\"}",
                        "{\"invoice_id\":\"in_bad_4\",\"line_id\":\"il_bad_4\",\"account_id\":\"" + a
                                + "\",\"meter\":\""
                                + m + "\",\"period_start\":\"first of January\",\"period_end\":\"" + pe
                                + "\",\"quantity\":\"3\",\"amount_minor\":100,\"currency\":\"usd\",\"status\":\"open\"}"),
                bad);
    }

    /** Inserts malformed lines at seeded random places; they carry no truth and belong in the dead letters. */
    private List<String> withBadLines(
            String file, List<String> lines, List<String> badLines, Map<String, Integer> bad) {
        List<String> out = new ArrayList<>(lines);
        for (String b : badLines) {
            out.add(rng.nextInt(out.size() + 1), b);
        }
        bad.put(file, badLines.size());
        return out;
    }

    // ---------------------------------------------------------------- randomness

    private static Instant hourOf(Instant t) {
        return Instant.ofEpochSecond(t.getEpochSecond() - Math.floorMod(t.getEpochSecond(), 3600));
    }

    /** Relative activity by local hour of day: quiet nights, busy office hours. */
    private static double diurnal(int localHour) {
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

    private static double weekly(DayOfWeek day) {
        return day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? 0.4 : 1.0;
    }

    private double logNormal(double median, double sigma) {
        return median * StrictMath.exp(sigma * rng.nextGaussian());
    }

    /** Knuth's method; fine for the small rates used here (at most about 8 per hour). */
    private int poisson(double lambda) {
        double limit = StrictMath.exp(-lambda);
        int k = 0;
        double product = rng.nextDouble();
        while (product > limit) {
            k++;
            product *= rng.nextDouble();
        }
        return k;
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    private String pick(String... choices) {
        return choices[rng.nextInt(choices.length)];
    }
}
