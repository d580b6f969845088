package io.reckon.jobs.sources;

import io.reckon.avro.Contract;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.UsageEvent;
import io.reckon.jobs.records.ContractAvro;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.ContractJson;
import io.reckon.jobs.records.InputLimits;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.jobs.records.JsonFields;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.pricing.ContractVersion;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a decoded record must meet before it may touch state, each failure with a reason that
 * names the field. Shape (types, required fields) is already guaranteed by the Avro schema.
 */
public final class InputValidation implements Serializable {

    private static final Pattern CURRENCY = Pattern.compile("[a-z]{3}");
    private static final Set<String> STATUSES = Set.of("draft", "open", "paid", "void");
    /** See {@link InputLimits#MAX_ATTRIBUTES_CHARS}. */
    static final int MAX_ATTRIBUTES_CHARS = InputLimits.MAX_ATTRIBUTES_CHARS;

    /** See {@link InputLimits#MAX_QUANTITY}. */
    public static final BigDecimal MAX_QUANTITY = InputLimits.MAX_QUANTITY;

    /** The default of {@code reconcile.max-future-period}: a prepaid annual period and a month of slack. */
    public static final long DEFAULT_MAX_FUTURE_PERIOD_MS =
            java.time.Duration.ofDays(400).toMillis();

    /** Meters one contract version may list: beyond any real price book, it bounds a contract's state. */
    public static final int MAX_CONTRACT_METERS = 1_000;

    private final long maxFutureSkewMs;
    private final long maxFuturePeriodMs;

    /**
     * @param maxFutureSkewMs how far ahead of the wall clock a usage or report event time, and any
     *     {@code updated_at}, may be ({@code reconcile.max-future-skew})
     * @param maxFuturePeriodMs how far ahead of the wall clock an invoice line's period may lie
     *     ({@code reconcile.max-future-period}): lines of a prepaid period are billed before it
     */
    public InputValidation(long maxFutureSkewMs, long maxFuturePeriodMs) {
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.maxFuturePeriodMs = maxFuturePeriodMs;
    }

    public InputValidation(long maxFutureSkewMs) {
        this(maxFutureSkewMs, Math.max(maxFutureSkewMs, DEFAULT_MAX_FUTURE_PERIOD_MS));
    }

    public MeterEvent usage(UsageEvent u, long nowMs) throws InvalidRecordException {
        id("event_id", u.getEventId());
        id("account_id", u.getAccountId());
        id("meter", u.getMeter());
        long t = eventTime("event_time", u.getEventTime(), nowMs);
        quantity(u.getQuantity());
        int chars = 0;
        for (Map.Entry<String, String> a : u.getAttributes().entrySet()) {
            chars += a.getKey().length() + a.getValue().length();
        }
        if (chars > MAX_ATTRIBUTES_CHARS) {
            throw new InvalidRecordException(
                    "attributes hold " + chars + " characters, more than the limit of " + MAX_ATTRIBUTES_CHARS);
        }
        return MeterEvent.usage(u.getEventId(), u.getAccountId(), u.getMeter(), t, u.getQuantity());
    }

    public MeterEvent reported(ReportedUsage r, long nowMs) throws InvalidRecordException {
        id("report_id", r.getReportId());
        id("account_id", r.getAccountId());
        id("meter", r.getMeter());
        long t = eventTime("event_time", r.getEventTime(), nowMs);
        quantity(r.getQuantity());
        MeterEvent e = MeterEvent.reported(r.getReportId(), r.getAccountId(), r.getMeter(), t, r.getQuantity());
        // Enumerated values are read as currency codes are, whatever their case: "SUMMARY" is summary.
        String kind = lowerCase(r.getKind());
        if (kind != null && !kind.equals("event") && !kind.equals("summary")) {
            throw new InvalidRecordException("kind '" + JsonFields.shown(kind) + "' is not one of event, summary");
        }
        e.summary = "summary".equals(kind);
        if (r.getUpdatedAt() != null) {
            e.updatedAt = eventTime("updated_at", r.getUpdatedAt(), nowMs);
        }
        return e;
    }

    public MeterEvent invoiceLine(InvoiceLine l, long nowMs) throws InvalidRecordException {
        id("invoice_id", l.getInvoiceId());
        id("line_id", l.getLineId());
        id("account_id", l.getAccountId());
        id("meter", l.getMeter());
        long start = periodTime("period_start", l.getPeriodStart(), nowMs);
        long end = periodTime("period_end", l.getPeriodEnd(), nowMs);
        if (end <= start) {
            throw new InvalidRecordException(
                    "period_end " + l.getPeriodEnd() + " is not after period_start " + l.getPeriodStart());
        }
        quantity(l.getQuantity());
        // A negative amount is a credit or discount line: it lowers what was billed (spec v1.1).
        amount(l.getAmountMinor());
        // Currency codes are case-insensitive, as for contracts: "USD" on a line is the same currency
        // as "usd" in its contract, and finance would not call that a mismatch.
        String currency = lowerCase(l.getCurrency());
        currency(currency);
        // "VOID" voids a line as "void" does: a correction must not be lost to its spelling.
        String status = lowerCase(l.getStatus());
        if (!STATUSES.contains(status)) {
            throw new InvalidRecordException("status '" + JsonFields.shown(String.valueOf(l.getStatus()))
                    + "' is not one of draft, open, paid, void");
        }
        MeterEvent e = new MeterEvent();
        e.kind = MeterEvent.Kind.INVOICE_LINE;
        e.id = l.getLineId();
        e.invoiceId = l.getInvoiceId();
        e.accountId = l.getAccountId();
        e.meter = l.getMeter();
        // An invoice line's event time is the end of the period it bills: lines arrive after their
        // period, in bursts, and must not hold the watermark back to the period start.
        e.eventTime = end;
        e.periodStart = start;
        e.periodEnd = end;
        e.quantity = l.getQuantity();
        e.amountMinor = l.getAmountMinor();
        e.currency = currency;
        e.status = status;
        if (l.getUpdatedAt() != null) {
            e.updatedAt = eventTime("updated_at", l.getUpdatedAt(), nowMs);
        }
        return e;
    }

    public ContractEvent contract(Contract c, long nowMs) throws InvalidRecordException {
        id("account_id", c.getAccountId());
        InputLimits.optionalId("stripe_customer_id", c.getStripeCustomerId());
        InputLimits.optionalId("crm_account_id", c.getCrmAccountId());
        if (c.getMeters().size() > MAX_CONTRACT_METERS) {
            throw new InvalidRecordException("contract lists " + c.getMeters().size()
                    + " meters, more than the limit of " + MAX_CONTRACT_METERS);
        }
        ContractVersion v = ContractAvro.fromAvro(c);
        currency(v.currency());
        for (var m : v.meters()) {
            id("meters[].meter", m.meter());
            if (m.stripePriceId() != null) {
                id("meters[].stripe_price_id", m.stripePriceId());
            }
            if (m.stripeMeterId() != null) {
                id("meters[].stripe_meter_id", m.stripeMeterId());
            }
        }
        return new ContractEvent(v.accountId(), v.version(), ContractJson.write(v));
    }

    private static void id(String field, String value) throws InvalidRecordException {
        InputLimits.id(field, value);
    }

    /** See {@link InputLimits#hasControlCharacter}. */
    static boolean hasControlCharacter(String value) {
        return InputLimits.hasControlCharacter(value);
    }

    private long eventTime(String field, Instant t, long nowMs) throws InvalidRecordException {
        if (t.toEpochMilli() < 0) {
            throw new InvalidRecordException(field + " " + t + " is before 1970-01-01");
        }
        if (t.toEpochMilli() > nowMs + maxFutureSkewMs) {
            throw new InvalidRecordException(field + " " + t + " is more than reconcile.max-future-skew ahead of now ("
                    + org.apache.flink.util.TimeUtils.formatWithHighestUnit(
                            java.time.Duration.ofMillis(maxFutureSkewMs))
                    + ")");
        }
        return t.toEpochMilli();
    }

    /** An invoice line's period bound: its own, wider, horizon (prepaid periods are billed ahead). */
    private long periodTime(String field, Instant t, long nowMs) throws InvalidRecordException {
        if (t.toEpochMilli() < 0) {
            throw new InvalidRecordException(field + " " + t + " is before 1970-01-01");
        }
        if (t.toEpochMilli() > nowMs + maxFuturePeriodMs) {
            throw new InvalidRecordException(
                    field + " " + t + " is more than reconcile.max-future-period ahead of now ("
                            + org.apache.flink.util.TimeUtils.formatWithHighestUnit(
                                    java.time.Duration.ofMillis(maxFuturePeriodMs))
                            + ")");
        }
        return t.toEpochMilli();
    }

    private static void quantity(BigDecimal q) throws InvalidRecordException {
        InputLimits.decimal("quantity", q);
        if (q.signum() < 0) {
            throw new InvalidRecordException(
                    "quantity is negative: " + q.stripTrailingZeros().toPlainString());
        }
        if (q.compareTo(MAX_QUANTITY) >= 0) {
            throw new InvalidRecordException("quantity "
                    + q.stripTrailingZeros().toPlainString() + " is not below the limit of 10^18 units per record");
        }
    }

    private static void amount(long amountMinor) throws InvalidRecordException {
        if (amountMinor >= InputLimits.MAX_AMOUNT_MINOR || amountMinor <= -InputLimits.MAX_AMOUNT_MINOR) {
            throw new InvalidRecordException(
                    "amount_minor " + amountMinor + " is not within the limit of 10^18 minor units either way");
        }
    }

    /** An enumerated value or currency code as the contracts read theirs: trimmed, in lower case. */
    private static String lowerCase(String text) {
        return text == null ? null : text.trim().toLowerCase(Locale.ROOT);
    }

    private static void currency(String c) throws InvalidRecordException {
        if (c == null || !CURRENCY.matcher(c).matches()) {
            String shown = c == null ? "null" : JsonFields.shown(c);
            throw new InvalidRecordException("currency '" + shown + "' is not a 3-letter ISO 4217 code");
        }
        try {
            java.util.Currency.getInstance(c.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("currency '" + c + "' is not an ISO 4217 code");
        }
    }
}
