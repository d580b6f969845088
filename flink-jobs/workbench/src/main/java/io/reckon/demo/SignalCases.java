package io.reckon.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.demo.DemoWorkload.TruthEntry;
import io.reckon.jobs.reconcile.checks.UsageDetector;
import io.reckon.pricing.Aggregation;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.MeterTerms;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * REPORTING_GAP, USAGE_SPIKE and USAGE_DROP cases placed on the workload's keys, kept only when the
 * job's rules replayed over the changed key give exactly the designed episode, and the reporting gaps
 * the metering leaks imply.
 */
final class SignalCases extends WorkloadDraft {

    SignalCases(WorkloadDraft draft) {
        super(draft);
    }

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
    void injectSignals() {
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
    long signalKeyHours(boolean gaps) {
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
}
