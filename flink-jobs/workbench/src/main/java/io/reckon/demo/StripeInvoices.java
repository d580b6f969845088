package io.reckon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.demo.StripeWorld.Event;
import io.reckon.demo.StripeWorld.Invoice;
import io.reckon.demo.StripeWorld.Line;
import io.reckon.demo.StripeWorld.Price;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workload's invoice records (invoices.jsonl) as Stripe invoices and the {@code invoice.*} events
 * of their changes. Records of one {@code invoice_id} are one invoice (one customer, one currency);
 * the records of one {@code line_id}, in file order, are the states of that line. Stripe keeps the
 * status on the invoice, not the line, so the states become events this way (T is the invoice's issue
 * time, its period end + 30 minutes, one second apart per invoice):
 *
 * <ul>
 *   <li>one state: {@code invoice.created} (draft) at T, {@code invoice.finalized} (open) at T + 1 h,
 *       and {@code invoice.paid} in the same second when the record says paid (charged at once);
 *   <li>corrected states (a draft replaced by a later record of the line): created with the first,
 *       {@code invoice.updated} with each correction, finalized and paid, all within the second T (a
 *       billing script that fixes and finalizes at once): the lines' updated_at then differ only by the
 *       events' rank in their second, which is what decides the last state downstream;
 *   <li>a line whose last record is void: created at T, finalized at T + 1 h with the state before,
 *       {@code invoice.voided} at T + 2 h (Stripe voids only finalized invoices).
 * </ul>
 *
 * Every event is before the period end + 6 h, when the reconciliation first compares billing. The
 * first invoice of a single state also carries a one-off line without a price (an onboarding fee),
 * which maps to no meter: the ingest dead-letters it with the reason. Each line bills the price of its
 * meter in the invoice's currency ({@code price_<meter>_<currency>}), whose Stripe meter is the meter's.
 */
final class StripeInvoices {

    /**
     * @param invoices Stripe invoices
     * @param events their events
     * @param oneOffLines lines without a price (dead-lettered by the ingest once per event)
     * @param unrepresentable records that cannot be a Stripe line (malformed, no Stripe customer)
     */
    record Counts(long invoices, long events, long oneOffLines, long oneOffLineRecords, long unrepresentable) {}

    private record Rec(
            String invoiceId,
            String lineId,
            String account,
            String meter,
            long periodStart,
            long periodEnd,
            BigDecimal quantity,
            long amount,
            String currency,
            String status) {}

    static final long ISSUE_DELAY_S = 30 * 60;
    static final long FINALIZE_AFTER_S = 3600;
    static final long VOID_AFTER_S = 2 * 3600;
    static final long ONE_OFF_AMOUNT = 5000;

    private final List<Event> events;
    private final List<Price> prices;
    private final Counts counts;

    private StripeInvoices(List<Event> events, List<Price> prices, Counts counts) {
        this.events = events;
        this.prices = prices;
        this.counts = counts;
    }

    static StripeInvoices of(List<String> invoiceLines, StripeAccounts accounts) {
        Map<String, Map<String, List<Rec>>> byInvoice = new LinkedHashMap<>();
        long unrepresentable = 0;
        for (String line : invoiceLines) {
            Rec r = parse(line);
            if (r == null || accounts.customer(r.account()).isEmpty()) {
                unrepresentable++;
                continue;
            }
            byInvoice
                    .computeIfAbsent(r.invoiceId(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.lineId(), k -> new ArrayList<>())
                    .add(r);
        }
        // Issued at period end + 30 min, one second apart, in file order within a period end.
        List<Map<String, List<Rec>>> invoices = new ArrayList<>(byInvoice.values());
        invoices.sort(Comparator.comparingLong(i -> first(i).periodEnd()));
        Map<String, Price> prices = new LinkedHashMap<>();
        List<Event> events = new ArrayList<>();
        long previousEnd = Long.MIN_VALUE;
        long rank = 0;
        boolean oneOffPlaced = false;
        long oneOffRecords = 0;
        for (Map<String, List<Rec>> lines : invoices) {
            Rec head = first(lines);
            rank = head.periodEnd() == previousEnd ? rank + 1 : 0;
            previousEnd = head.periodEnd();
            long t = head.periodEnd() + ISSUE_DELAY_S + rank;
            int states = lines.values().stream().mapToInt(List::size).max().orElse(1);
            boolean voided = lines.values().stream()
                    .allMatch(l -> "void".equals(l.get(l.size() - 1).status()));
            boolean oneOff = !oneOffPlaced && states == 1 && !voided;
            oneOffPlaced |= oneOff;
            String customer = accounts.customer(head.account()).orElseThrow();
            List<List<Line>> contents = new ArrayList<>();
            for (int s = 0; s < states; s++) {
                contents.add(content(lines, s, states, oneOff, prices, accounts));
            }
            List<Event> of =
                    events(head.invoiceId(), customer, head.currency(), t, contents, voided, finalStatus(lines));
            if (oneOff) {
                oneOffRecords += of.size();
            }
            events.addAll(of);
        }
        // Stripe's order: by time; an invoice's events keep their order within a second.
        List<Event> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparingLong(Event::created));
        return new StripeInvoices(
                ordered,
                List.copyOf(prices.values()),
                new Counts(invoices.size(), ordered.size(), oneOffPlaced ? 1 : 0, oneOffRecords, unrepresentable));
    }

    /** The events of one invoice, in order; see the class comment. */
    private static List<Event> events(
            String id,
            String customer,
            String currency,
            long t,
            List<List<Line>> contents,
            boolean voided,
            String finalStatus) {
        List<Event> out = new ArrayList<>();
        int last = contents.size() - 1;
        if (voided) {
            int issued = Math.max(0, last - 1);
            out.add(new Event("invoice.created", t, new Invoice(id, customer, currency, t, "draft", contents.get(0))));
            for (int s = 1; s <= issued; s++) {
                out.add(new Event(
                        "invoice.updated", t, new Invoice(id, customer, currency, t, "draft", contents.get(s))));
            }
            long finalized = t + FINALIZE_AFTER_S;
            out.add(new Event(
                    "invoice.finalized",
                    finalized,
                    new Invoice(id, customer, currency, t, "open", contents.get(issued))));
            out.add(new Event(
                    "invoice.voided",
                    t + VOID_AFTER_S,
                    new Invoice(id, customer, currency, t, "void", contents.get(last))));
            return out;
        }
        long finalized = last == 0 ? t + FINALIZE_AFTER_S : t;
        out.add(new Event("invoice.created", t, new Invoice(id, customer, currency, t, "draft", contents.get(0))));
        for (int s = 1; s <= last; s++) {
            out.add(new Event("invoice.updated", t, new Invoice(id, customer, currency, t, "draft", contents.get(s))));
        }
        out.add(new Event(
                "invoice.finalized", finalized, new Invoice(id, customer, currency, t, "open", contents.get(last))));
        if ("paid".equals(finalStatus)) {
            out.add(new Event(
                    "invoice.paid", finalized, new Invoice(id, customer, currency, t, "paid", contents.get(last))));
        }
        return out;
    }

    /** The lines of state {@code s} of {@code states}: each line's records aligned to the last state. */
    private static List<Line> content(
            Map<String, List<Rec>> lines,
            int s,
            int states,
            boolean oneOff,
            Map<String, Price> prices,
            StripeAccounts accounts) {
        List<Line> out = new ArrayList<>();
        for (List<Rec> records : lines.values()) {
            Rec r = records.get(Math.max(0, records.size() - states + s));
            String meterId = accounts.meter(r.account(), r.meter())
                    .map(StripeAccounts.StripeMeter::id)
                    .orElse(DemoAccounts.stripeMeterId(r.meter()));
            String priceId = DemoAccounts.stripePriceId(r.meter(), r.currency());
            prices.putIfAbsent(priceId, new Price(priceId, meterId));
            out.add(new Line(r.lineId(), priceId, r.periodStart(), r.periodEnd(), r.quantity(), r.amount()));
        }
        if (oneOff) {
            Rec head = first(lines);
            out.add(new Line(
                    head.invoiceId() + "_onboarding",
                    null,
                    head.periodStart(),
                    head.periodEnd(),
                    BigDecimal.ONE,
                    ONE_OFF_AMOUNT));
        }
        return out;
    }

    private static String finalStatus(Map<String, List<Rec>> lines) {
        for (List<Rec> records : lines.values()) {
            String status = records.get(records.size() - 1).status();
            if (!"void".equals(status)) {
                return status;
            }
        }
        return "void";
    }

    private static Rec first(Map<String, List<Rec>> lines) {
        return lines.values().iterator().next().get(0);
    }

    private static final Set<String> STATUSES = Set.of("draft", "open", "paid", "void");

    private static Rec parse(String line) {
        JsonNode n;
        try {
            n = DemoJson.MAPPER.readTree(line);
        } catch (IOException malformed) {
            return null;
        }
        Instant start = StripeMeterEvents.iso(DemoJson.text(n, "period_start"));
        Instant end = StripeMeterEvents.iso(DemoJson.text(n, "period_end"));
        BigDecimal quantity = StripeMeterEvents.decimal(DemoJson.text(n, "quantity"));
        String status = DemoJson.text(n, "status");
        JsonNode amount = n.get("amount_minor");
        String[] ids = {
            DemoJson.text(n, "invoice_id"),
            DemoJson.text(n, "line_id"),
            DemoJson.text(n, "account_id"),
            DemoJson.text(n, "meter"),
            DemoJson.text(n, "currency")
        };
        for (String id : ids) {
            if (id == null) {
                return null;
            }
        }
        if (start == null
                || end == null
                || quantity == null
                || quantity.signum() < 0
                || amount == null
                || !amount.canConvertToLong()
                || !STATUSES.contains(status)) {
            return null;
        }
        return new Rec(
                ids[0],
                ids[1],
                ids[2],
                ids[3],
                start.getEpochSecond(),
                end.getEpochSecond(),
                quantity,
                amount.asLong(),
                ids[4],
                status);
    }

    List<Event> events() {
        return events;
    }

    List<Price> prices() {
        return prices;
    }

    Counts counts() {
        return counts;
    }
}
