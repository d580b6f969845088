package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.BillingChecks;
import io.reckon.jobs.reconcile.checks.Finding;
import io.reckon.jobs.reconcile.checks.MeteringChecks;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.pricing.Aggregation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The checks of one key's billing period, metering against reporting and reporting against billing,
 * with the contract terms that apply to it; findings go to the {@link Emitter}. A period without terms
 * is unmapped: once final its records are counted and reported as such. A period whose amounts leave
 * the range of a long of minor units is dead-lettered once, and the key keeps running.
 */
final class PeriodChecks {

    private static final List<AnomalyType> METERING =
            List.of(AnomalyType.UNDER_REPORTED_USAGE, AnomalyType.OVER_REPORTED_USAGE);
    private static final List<AnomalyType> BILLING = List.of(
            AnomalyType.UNBILLED_USAGE, AnomalyType.RENEWAL_DRIFT, AnomalyType.MISSED_OVERAGE, AnomalyType.OVERBILLED);

    /** Why the anomalies of a period no contract term prices any more are withdrawn. */
    static final String UNPRICED =
            "no contract term prices this period any more, so nothing can be owed on it (its records are reported as unmapped)";

    /** Why the anomalies of a period whose amounts outgrew a long of minor units are withdrawn. */
    static final String CANNOT_PRICE = "its amounts no longer fit in a 64-bit count of minor units, so the period"
            + " cannot be priced (see the dead letter) and the anomaly is withdrawn";

    private final ContractBook contracts;
    private final InvoiceLines lines;
    private final Emitter emitter;
    private final Rejections rejections;
    private final UnmappedRecords unmapped;

    PeriodChecks(
            ContractBook contracts,
            InvoiceLines lines,
            Emitter emitter,
            Rejections rejections,
            UnmappedRecords unmapped) {
        this.contracts = contracts;
        this.lines = lines;
        this.emitter = emitter;
        this.rejections = rejections;
        this.unmapped = unmapped;
    }

    /**
     * UNDER_REPORTED_USAGE (and, when final, OVER_REPORTED_USAGE): while open, the matured usage
     * against the reports so far; when final, everything, with what the period's lines billed (an
     * open period compares metering alone: its billed amount stays null, and its lines are not read
     * at every tick).
     */
    void metering(MeterKey key, PeriodState p, boolean finalEvaluation, long watermark) throws Exception {
        Optional<ContractBook.Terms> terms = contracts.termsFor(key, p.start);
        if (terms.isEmpty()) {
            withdraw(key, p, METERING, finalEvaluation, watermark, UNPRICED);
            if (finalEvaluation) {
                unmapped.report(key, p, contracts.whyUnmapped(key, p.start).reason);
            }
            return;
        }
        if (finalEvaluation) {
            unmapped.takeBack(key, p, UnmappedRecords.PRICED);
        }
        Aggregation agg = terms.get().meter().aggregation();
        List<Finding> findings;
        try {
            Long billed =
                    finalEvaluation ? billedOrNull(p, terms.get().contract().currency()) : null;
            findings = MeteringChecks.evaluate(
                    (finalEvaluation ? p.usage : p.maturedUsage).value(agg),
                    (finalEvaluation ? p.reported : p.reportedSoFar).value(agg),
                    Instant.ofEpochMilli(p.start),
                    terms.get().contract(),
                    terms.get().meter(),
                    billed,
                    finalEvaluation);
        } catch (ArithmeticException e) {
            cannotPrice(key, p, e);
            withdraw(key, p, METERING, finalEvaluation, watermark, CANNOT_PRICE);
            return;
        }
        emitAll(key, p, findings, finalEvaluation, watermark);
    }

    /**
     * What the period's lines billed, shown beside the metering figures, or null when their sum
     * leaves a long of minor units: the metering checks compare usage with reports alone, so lines
     * that cannot be added up must not withdraw them ({@link #billing} dead-letters the period's
     * billing for it).
     */
    private Long billedOrNull(PeriodState p, String currency) throws Exception {
        try {
            return lines.billOf(p, currency).billed().orNull();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /**
     * UNBILLED_USAGE, RENEWAL_DRIFT, MISSED_OVERAGE and OVERBILLED with the final reported quantity;
     * final once the invoice grace is over. A line in another currency than the contract (it came
     * before the contract, so it could not be checked then) is dead-lettered and leaves the period.
     */
    void billing(MeterKey key, PeriodState p, boolean graceOver, long watermark) throws Exception {
        Optional<ContractBook.Terms> terms = contracts.termsFor(key, p.start);
        if (terms.isEmpty()) {
            withdraw(key, p, BILLING, graceOver, watermark, UNPRICED);
            if (graceOver) {
                // Unmapped: the records by the metering side, the lines once no more are expected.
                unmapped.reportLines(key, p, contracts.whyUnmapped(key, p.start).reason, lines.standingIn(p));
            }
            return;
        }
        String currency = terms.get().contract().currency();
        Aggregation agg = terms.get().meter().aggregation();
        List<Finding> findings;
        try {
            InvoiceLines.Bill bill = lines.billOf(p, currency);
            for (String lineId : bill.foreignLineIds()) {
                InvoiceLineState l = lines.get(lineId);
                lines.remove(lineId);
                rejections.record(
                        lineRecord(key, lineId, l),
                        "invoice line " + lineId + " is in " + l.currency + " but the contract of " + key.accountId()
                                + " is in " + currency);
            }
            findings = BillingChecks.evaluate(
                    p.usage.value(agg),
                    p.reported.value(agg),
                    Instant.ofEpochMilli(p.start),
                    terms.get().contract(),
                    terms.get().meter(),
                    bill.billed(),
                    graceOver);
            if (p.usage.count == 0 && p.reported.count == 0 && !bill.anyLine()) {
                // Nothing measured, reported or invoiced: a period kept only because a record was once
                // in it (a copy an earlier copy replaced, a line that moved to another period) bills
                // nothing, minimum or not, as if that record had never arrived.
                findings = findings.stream().map(Finding::notHolding).toList();
            }
        } catch (ArithmeticException e) {
            cannotPrice(key, p, e);
            withdraw(key, p, BILLING, graceOver, watermark, CANNOT_PRICE);
            return;
        }
        emitAll(key, p, findings, graceOver, watermark);
    }

    /**
     * Withdraws the anomalies of {@code types} a period had while it was priced, now that it is not:
     * no contract term prices it (a version that leaves its meter out, or moves its start before any
     * version, arrived after it was evaluated: the condition no longer holds, as if that version had
     * come first), or its amounts left a long of minor units (the period is dead-lettered with the
     * reason; figures it can no longer compute must not stand open, nor stay open for ever).
     */
    private void withdraw(
            MeterKey key, PeriodState p, List<AnomalyType> types, boolean finalEvaluation, long watermark, String why)
            throws Exception {
        for (AnomalyType type : types) {
            if (p.mayHaveAnomaly(type)) {
                emitter.withdraw(key, new AnomalyKey(type, p.start), p.end, p, finalEvaluation, watermark, why);
            }
        }
    }

    private void emitAll(MeterKey key, PeriodState p, List<Finding> findings, boolean finalEvaluation, long watermark)
            throws Exception {
        for (Finding f : findings) {
            emitter.emit(key, new AnomalyKey(f.type(), p.start), p.end, p, f, finalEvaluation, watermark);
        }
    }

    private void cannotPrice(MeterKey key, PeriodState p, ArithmeticException e) {
        if (p.pricingFailed) {
            return;
        }
        p.pricingFailed = true;
        String description = "{\"account_id\":\"" + key.accountId() + "\",\"meter\":\"" + key.meter()
                + "\",\"period_start\":\"" + Instant.ofEpochMilli(p.start) + "\",\"usage\":\""
                + p.usage.sum.toPlainString() + "\",\"reported\":\"" + p.reported.sum.toPlainString() + "\"}";
        rejections.period(
                description,
                "cannot price " + key.meter() + " of " + key.accountId() + " for the period from "
                        + Instant.ofEpochMilli(p.start) + ": " + e.getMessage());
    }

    private static MeterEvent lineRecord(MeterKey key, String lineId, InvoiceLineState l) {
        MeterEvent e = new MeterEvent();
        e.kind = MeterEvent.Kind.INVOICE_LINE;
        e.id = lineId;
        e.invoiceId = l.invoiceId;
        e.accountId = key.accountId();
        e.meter = key.meter();
        e.periodStart = l.periodStart;
        e.periodEnd = l.periodEnd;
        e.amountMinor = l.amountMinor;
        e.currency = l.currency;
        e.status = l.status;
        e.updatedAt = l.updatedAt;
        e.eventTime = l.periodEnd;
        e.sourceInput = l.sourceInput;
        e.sourcePartition = l.sourcePartition;
        e.sourceOffset = l.sourceOffset;
        return e;
    }
}
