package io.reckon.demo;

import io.reckon.connectors.stripe.source.SummaryWindow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The billing side of a {@link DemoWorkload} as a Stripe account would hold it, for {@code reckon demo}
 * to serve through a local Stripe stand-in: hourly meter event summaries of the metering pipeline's
 * reports ({@link StripeMeterEvents}), invoices with lines and the events of their changes ({@link
 * StripeInvoices}), metered prices, and the time the account is read at. The mapping (customer, meter,
 * price) is the contracts' ({@link StripeAccounts}); the workload's files stay the truth, this is
 * what the Stripe ingest reads instead of them.
 *
 * <pre>{@code
 * StripeWorld world = StripeWorld.of(DemoWorkload.generate(DemoWorkload.Options.defaults()));
 * world.summaries();   // -> FakeStripeReads.summary(...)
 * world.events();      // -> FakeStripeReads.invoice(...) then event(...)
 * }</pre>
 */
public final class StripeWorld {

    /** A Stripe meter's summary of one customer's usage in the hour from {@code hourStart} (epoch s). */
    public record Summary(String meterId, String customer, long hourStart, BigDecimal value) {}

    /** A line of an invoice; a null price is a one-off item. Times in epoch seconds. */
    public record Line(String id, String priceId, long periodStart, long periodEnd, BigDecimal quantity, long amount) {}

    /** An invoice as an event carries it. */
    public record Invoice(String id, String customer, String currency, long created, String status, List<Line> lines) {}

    /** An {@code invoice.*} event, in Stripe's order. */
    public record Event(String type, long created, Invoice invoice) {}

    /** A metered price and its Stripe meter. */
    public record Price(String id, String meterId) {}

    /**
     * What the account holds and what fell on the way.
     *
     * @param meterEvents reports taken as meter events
     * @param resentMeterEvents copies of a report id, absorbed by Stripe's identifier
     * @param refusedMeterEvents malformed reports Stripe refuses
     * @param summaries hourly summaries
     * @param invoices Stripe invoices
     * @param events their {@code invoice.*} events
     * @param oneOffLineRecords line records without a price the ingest dead-letters (one per event)
     * @param unrepresentableInvoiceRecords malformed invoice records, which no Stripe invoice can hold
     */
    public record Stats(
            long meterEvents,
            long resentMeterEvents,
            long refusedMeterEvents,
            long summaries,
            long invoices,
            long events,
            long oneOffLineRecords,
            long unrepresentableInvoiceRecords) {}

    private final List<Summary> summaries;
    private final List<Event> events;
    private final List<Price> prices;
    private final Instant now;
    private final int periods;
    private final Stats stats;

    private StripeWorld(
            List<Summary> summaries, List<Event> events, List<Price> prices, Instant now, int periods, Stats stats) {
        this.summaries = summaries;
        this.events = events;
        this.prices = prices;
        this.now = now;
        this.periods = periods;
        this.stats = stats;
    }

    public static StripeWorld of(DemoWorkload workload) {
        StripeAccounts accounts = StripeAccounts.of(workload.lines(DemoWorkload.CONTRACTS_FILE));
        StripeMeterEvents meterEvents = StripeMeterEvents.of(workload.lines(DemoWorkload.REPORTED_FILE), accounts);
        StripeInvoices invoices = StripeInvoices.of(workload.lines(DemoWorkload.INVOICES_FILE), accounts);
        if (meterEvents.counts().unmapped() > 0) {
            throw new IllegalStateException(meterEvents.counts().unmapped() + " reports name an (account, meter)"
                    + " whose contract has no Stripe customer or meter");
        }
        List<Summary> summaries = meterEvents.summaries();
        List<Event> events = invoices.events();
        List<Price> prices = invoices.prices();
        // Read an hour after the last change: every invoice is in place, every summary complete.
        long lastEvent = events.stream().mapToLong(Event::created).max().orElse(0L);
        Instant inputEnd = workload.truth().inputEnd();
        Instant now = Instant.ofEpochSecond(Math.max(lastEvent, inputEnd.getEpochSecond()) + 3600);
        Instant firstHour = meterEvents.firstHour();
        int periods = periodsReaching(accounts, now, firstHour == null ? now : firstHour);
        StripeMeterEvents.Counts m = meterEvents.counts();
        StripeInvoices.Counts i = invoices.counts();
        Stats stats = new Stats(
                m.events(),
                m.resent(),
                m.refused(),
                summaries.size(),
                i.invoices(),
                i.events(),
                i.oneOffLineRecords(),
                i.unrepresentable());
        return new StripeWorld(summaries, events, prices, now, periods, stats);
    }

    /** The fewest billing periods back from {@code now} whose window reaches {@code from}, every anchor day. */
    static int periodsReaching(StripeAccounts accounts, Instant now, Instant from) {
        int periods = 1;
        for (int anchor : accounts.anchorDays()) {
            while (SummaryWindow.of(anchor, now, periods).start().isAfter(from)) {
                periods++;
            }
        }
        return periods;
    }

    /** Hourly meter event summaries, per (meter, customer) in hour order. */
    public List<Summary> summaries() {
        return summaries;
    }

    /** The invoice events in Stripe's order (by time; an invoice's events of one second in order). */
    public List<Event> events() {
        return events;
    }

    public List<Price> prices() {
        return prices;
    }

    /** When the account is read: an hour after its last change. */
    public Instant now() {
        return now;
    }

    /** Billing periods the summaries source must read back from {@link #now()} to reach the first hour. */
    public int periods() {
        return periods;
    }

    public Stats stats() {
        return stats;
    }
}
