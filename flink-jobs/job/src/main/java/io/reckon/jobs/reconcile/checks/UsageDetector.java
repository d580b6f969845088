package io.reckon.jobs.reconcile.checks;

import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * USAGE_SPIKE and USAGE_DROP: one hour of a key against a model of the key's own hourly usage, built
 * from its last four weeks. Works on sparse keys (one record an hour) as on dense ones, because it
 * models the records and their sizes instead of refusing to judge (docs/reconciliation.md).
 *
 * <p><b>Model of hour j</b>, from the hours j - 1, j and j + 1 of the previous 4 weeks (12 hours): the
 * <i>usual</i> quantity m is the median of the same hour of the week (a seasonal naive forecast that
 * follows each key's daily and weekly rhythm); the usual record count M is the 12 hours' mean, its
 * variance V the squared residuals of the counts from their own hour's median over 9 degrees of
 * freedom, at least {@link #POISSON_SHARE} x M; a record's size has mean u (quantity over records of
 * the 12 hours) and a variance from how the hours' sums stray from records x u, doubled, between
 * ({@link #SIZE_CV} u)² and the Bhatia-Davis bound u x (largest - u). A baseline week whose hours
 * held an incident of their own is left out first ({@link OddWeek}), and the model is built from the
 * other three (9 hours, the degrees of freedom adjusted).
 *
 * <p><b>Verdicts, summed and counted meters.</b> An hour is high when q &gt; {@code reconcile.spike-ratio}
 * x m and low when {@code reconcile.drop-ratio} x q &lt; m. A <b>drop</b> is a low hour ending a run of 1
 * to {@link #MAX_RUN} hours, low in total, whose record count is below what a negative binomial (or
 * Poisson, or binomial for keys steadier than Poisson) of the run's summed M and V gives probability
 * {@link #DROP_ALPHA}, or (sums) whose quantity is, given its R records, below what a gamma of R record
 * sizes does ({@link CountTails}; the size's mean from the judged hour's model, its variance the mean of
 * the run's hours' models: one hour's model can make sizes look steadier than they are); a <b>spike</b> the same upwards over runs of 1 to {@link #SPIKE_RUN}
 * high hours ({@link #SPIKE_ALPHA}). A count is judged exactly as a sum of records of size 1.
 *
 * <p><b>Maximum (level) meters</b> are judged on their quantity: an hour with readings alone more than
 * {@code reconcile.spike-deviations} spreads from m, or a run of 2 to {@link #MAX_RUN} such hours more
 * than {@code reconcile.drop-deviations} summed spreads (s² from the 12 residuals, the largest left
 * out); an hour without readings says nothing about the level and is judged by its record count only.
 *
 * <p>An episode therefore starts at the hour from which the evidence suffices, which for a drop of a
 * sparse key is often a later hour of it.
 *
 * <p><b>Not judged</b> (and counted as such): an hour whose baseline reaches before the key's first
 * usage (too young), and an hour that usually has no usage (m = 0) or whose 4 baseline hours held fewer
 * than {@code reconcile.spike-min-records} records together (too sparse).
 *
 * <p>Arithmetic. The hour's quantity and the usual m are exact decimals (they are shown); the model and
 * the probabilities are statistics in binary floating point, deterministic in Java 17 (strict IEEE
 * 754), so the same hours always give the same verdict; they never become an amount.
 */
public final class UsageDetector {

    public static final int WEEKS = 4;
    public static final long HOUR_MS = 3_600_000L;
    public static final long DAY_MS = 24 * HOUR_MS;
    public static final long WEEK_MS = 7 * DAY_MS;
    /** The longest run of low hours a drop's evidence is summed over. */
    public static final int MAX_RUN = 8;
    /** Share of the Poisson variance below which a key's spread is not believed. */
    public static final double POISSON_SHARE = 0.25;
    /** The probability under the key's usual behaviour below which a run of high hours is a spike. */
    public static final double SPIKE_ALPHA = 1e-6;
    /** The smallest coefficient of variation of record sizes the size tests assume. */
    public static final double SIZE_CV = 0.25;
    /** The longest run of high hours a spike's evidence is summed over. */
    public static final int SPIKE_RUN = 3;
    /** The probability under the key's usual behaviour below which a run of hours is a drop. */
    public static final double DROP_ALPHA = 1e-6;

    /**
     * The hours a verdict reads, relative to the judged hour: the run (up to {@link #MAX_RUN} - 1 hours
     * before it) and, for each hour of it, its neighbours in each of the previous 4 weeks. A change to
     * hour x therefore changes the verdicts of x .. x + MAX_RUN - 1 and of x + w weeks - 1 .. x + w weeks +
     * MAX_RUN for w = 1..4; when x becomes empty or stops being so, also those of x + d days - 1 .. x + d
     * days + MAX_RUN for d = 1..28 (a drop run's empty hours are weighed by them, {@link EmptyHours}).
     */
    public static final int READS_AFTER = MAX_RUN - 1;

    private UsageDetector() {}

    /** One hour of the key in the meter's aggregation, and how many usage records it holds. */
    public record Hour(BigDecimal value, long records, BigDecimal sum, BigDecimal max) {
        public static final Hour EMPTY = new Hour(BigDecimal.ZERO, 0, BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /** The key's hours; an hour without usage is {@link Hour#EMPTY} (or null). */
    @FunctionalInterface
    public interface History {
        Hour at(long hour) throws Exception;

        /** Whether the hour held usage: {@link #at}'s, or cheaper where the key keeps a bit per hour. */
        default boolean heldUsage(long hour) throws Exception {
            Hour h = at(hour);
            return h != null && h.records() > 0;
        }
    }

    public record Settings(int deviations, int ratio, int minRecords, double dropDeviations, int dropRatio) {}

    public enum Outcome {
        SPIKE,
        DROP,
        NORMAL,
        TOO_YOUNG,
        TOO_SPARSE;

        public boolean judged() {
            return this == SPIKE || this == DROP || this == NORMAL;
        }
    }

    /**
     * The verdict on one hour, its quantity and its usual quantity (null when not judged, or when the
     * hour is normal against every usual quantity its model could have: see {@link #plainlyNormal}).
     */
    public record Judgement(Outcome outcome, BigDecimal quantity, BigDecimal usual) {}

    /**
     * Judges {@code hour}. {@code knownFrom} is the first hour of the key's history (its first usage,
     * floored to the hour): hours before it are unknown, not empty.
     */
    public static Judgement judge(History history, long hour, long knownFrom, Aggregation agg, Settings s)
            throws Exception {
        Hour h = orEmpty(history.at(hour));
        if (!known(hour, knownFrom)) {
            return new Judgement(Outcome.TOO_YOUNG, h.value(), null);
        }
        if (plainlyNormal(history, hour, h, s)) {
            return new Judgement(Outcome.NORMAL, h.value(), null);
        }
        return byModel(history, hour, knownFrom, agg, s, h);
    }

    /** The verdict on a known hour {@code h} from its model (what {@link #judge} does past the shortcut). */
    static Judgement byModel(History history, long hour, long knownFrom, Aggregation agg, Settings s, Hour h)
            throws Exception {
        HourModel.Baseline b = HourModel.of(history, hour, agg);
        if (!judgeable(b, s)) {
            return new Judgement(Outcome.TOO_SPARSE, h.value(), null);
        }
        double q = h.value().doubleValue();
        double m = b.usual().doubleValue();
        double spread = Math.sqrt(b.spreadSq());
        RunEvidence run = new RunEvidence(history, hour, knownFrom, agg, s, h, b);
        if (high(q, m, s)) {
            boolean spike =
                    agg == Aggregation.MAX ? q > m + s.deviations() * spread || run.run(true) : run.countedSpike();
            return new Judgement(spike ? Outcome.SPIKE : Outcome.NORMAL, h.value(), b.usual());
        }
        if (low(q, m, s)) {
            // A level (maximum) meter's hours with readings show its level; an hour without any shows
            // nothing about it, only that the readings stopped, which the record counts judge.
            boolean level = agg == Aggregation.MAX
                    && h.records() > 0
                    && (q < m - s.deviations() * Math.sqrt(b.lowSpreadSq()) || run.run(false));
            boolean drop = level || run.countedDrop();
            return new Judgement(drop ? Outcome.DROP : Outcome.NORMAL, h.value(), b.usual());
        }
        return new Judgement(Outcome.NORMAL, h.value(), b.usual());
    }

    /**
     * Whether an hour without usage can be judged a drop, given which hours held usage: its usual
     * quantity, the median of the same hour of the previous 4 weeks, is above zero only when at least
     * two of those 4 hours held usage (the median of 4 is the mean of the middle two), and an hour whose
     * usual quantity is zero is not judged. Every other spike or drop needs usage in the hour itself, so
     * this is the one verdict a key's ticks must look ahead for ({@code NextTick}), from the {@link
     * #firstKnownHour} on: an earlier hour gets no verdict at all.
     */
    public static boolean emptyHourCanDrop(LongPredicate heldUsage, long hour) {
        int weeks = 0;
        for (int w = 1; w <= WEEKS; w++) {
            if (heldUsage.test(hour - w * WEEK_MS) && ++weeks >= WEEKS / 2) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the hour is normal whichever baseline week its model leaves out ({@link OddWeek}): it is
     * judgeable, and neither high nor low against any usual quantity its model can have. The usual
     * quantity is the median of the same hour of the four weeks or of three of them; with the four
     * sorted, x1 to x4, every such median lies between x2 and x3 (leaving out x1 or x2 gives x3, x3 or
     * x4 gives x2), and "high" only gets likelier as the median falls, "low" as it rises. So the hour is
     * normal for sure when x2 &gt; 0, it is not high against x2 and not low against x3: the verdict then
     * needs these 4 hours and not the model of 12 (a cheaper tick, the same verdict).
     */
    static boolean plainlyNormal(History history, long hour, Hour h, Settings s) throws Exception {
        double[] weeks = new double[WEEKS];
        long records = 0;
        for (int w = 1; w <= WEEKS; w++) {
            Hour x = orEmpty(history.at(hour - w * WEEK_MS));
            weeks[w - 1] = x.value().doubleValue();
            records += x.records();
        }
        if (records < s.minRecords()) {
            return false;
        }
        Arrays.sort(weeks);
        double q = h.value().doubleValue();
        return weeks[1] > 0 && !high(q, weeks[1], s) && !low(q, weeks[2], s);
    }

    static boolean judgeable(HourModel.Baseline b, Settings s) {
        return b.usual().signum() > 0 && b.records() >= s.minRecords();
    }

    static boolean high(double q, double m, Settings s) {
        return q > s.ratio() * m;
    }

    static boolean low(double q, double m, Settings s) {
        return q * s.dropRatio() < m;
    }

    /** Whether the 4 weeks (and the neighbour hours) before {@code hour} are known history. */
    static boolean known(long hour, long knownFrom) {
        return hour >= firstKnownHour(knownFrom);
    }

    /**
     * The first hour whose 4 weeks before (and the neighbour hours) are known history when the key's
     * history starts at {@code knownFrom}: every earlier hour is too young for any verdict.
     */
    public static long firstKnownHour(long knownFrom) {
        return knownFrom + WEEKS * WEEK_MS + HOUR_MS;
    }

    static Hour orEmpty(Hour h) {
        return h == null ? Hour.EMPTY : h;
    }
}
