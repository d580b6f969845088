package io.reckon.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.demo.DemoWorkload.TruthEntry;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.Graduated;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
import io.reckon.pricing.Tier;
import io.reckon.pricing.Volume;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The invoice lines of every (account, meter, period): a healthy billing system's, then the billing
 * leaks (a meter not invoiced, a voided line, an overage not billed, stale snapshots, old prices,
 * double billing, inflated quantities) and the noise a real billing system makes.
 */
final class BillingPlan extends WorkloadDraft {

    /** A billing leak, and the distance of a missed overage from a renewal drift, is at least this. */
    private static final long CLEAR_BILLING_MINOR = 100;

    BillingPlan(WorkloadDraft draft) {
        super(draft);
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
    void planInvoices() {
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

    void injectBillingLeaks() {
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
                lines.add(base.again(base.status()));
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
    void addInvoiceNoise() {
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
                lines.add(base.again("void"));
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
}
