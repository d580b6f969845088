package io.reckon.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.demo.DemoWorkload.TruthEntry;
import io.reckon.demo.LeakTiming.Timed;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.MeterTerms;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * UNDER_REPORTED_USAGE and OVER_REPORTED_USAGE: a key's reports bent by one of the ways a metering
 * pipeline loses or invents usage, on a period where the leak is worth at least {@link #MIN_LEAK_MINOR}
 * minor units, with the truth the job must find.
 */
final class MeteringLeaks extends WorkloadDraft {

    /** GiB reported as GB: the classic unit mix-up behind an inflated storage meter. */
    private static final BigDecimal GIB_PER_GB = new BigDecimal("1.073741824");

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

    MeteringLeaks(WorkloadDraft draft) {
        super(draft);
    }

    void injectLeaks() {
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
}
