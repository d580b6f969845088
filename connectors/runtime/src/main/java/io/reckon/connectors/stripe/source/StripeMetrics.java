package io.reckon.connectors.stripe.source;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/**
 * The metrics of a Stripe source, registered on its reader's metric group (see docs/stripe.md). A
 * fetcher thread updates them; Flink's reporters read them from another thread, so the values are
 * atomic.
 */
public final class StripeMetrics {

    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong mapped = new AtomicLong();
    private final AtomicLong unmapped = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong(-1);
    private final long pollIntervalMillis;

    public StripeMetrics(long pollIntervalMillis) {
        this.pollIntervalMillis = pollIntervalMillis;
    }

    /** Metrics that are kept but reported nowhere (tests, the backfill command). */
    public static StripeMetrics unregistered() {
        return new StripeMetrics(0);
    }

    /**
     * Registers the metrics on {@code group}: {@code stripePagesFetched}, {@code stripeRateLimited},
     * {@code stripeRecordsMapped}, {@code stripeRecordsUnmapped}, {@code stripePollIntervalMillis} and
     * {@code stripeLagMillis}.
     */
    public StripeMetrics register(MetricGroup group) {
        group.counter("stripePagesFetched", view(pages));
        group.counter("stripeRateLimited", view(rateLimited));
        group.counter("stripeRecordsMapped", view(mapped));
        group.counter("stripeRecordsUnmapped", view(unmapped));
        group.gauge("stripePollIntervalMillis", () -> pollIntervalMillis);
        group.gauge("stripeLagMillis", lagMillis::get);
        return this;
    }

    void pageFetched() {
        pages.incrementAndGet();
    }

    void rateLimited() {
        rateLimited.incrementAndGet();
    }

    void mapped(long n) {
        mapped.addAndGet(n);
    }

    void unmapped(long n) {
        unmapped.addAndGet(n);
    }

    /** Sets the lag: now minus the time of the newest Stripe object read (an event's created time). */
    void lag(long millis) {
        lagMillis.set(millis);
    }

    public long pagesFetched() {
        return pages.get();
    }

    public long rateLimitedCalls() {
        return rateLimited.get();
    }

    public long recordsMapped() {
        return mapped.get();
    }

    public long recordsUnmapped() {
        return unmapped.get();
    }

    public long lagMillis() {
        return lagMillis.get();
    }

    private static Counter view(AtomicLong value) {
        // A Counter whose count is the atomic value; inc/dec from Flink's side are not used.
        return new SimpleCounter() {
            @Override
            public long getCount() {
                return value.get();
            }
        };
    }
}
