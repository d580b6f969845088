package io.reckon.jobs.sources;

import io.reckon.avro.Contract;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.UsageEvent;
import io.reckon.jobs.records.ContractAvro;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.ContractJson;
import io.reckon.jobs.records.InvalidRecordException;
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
    /** Larger attribute maps are a producer bug; they would bloat every record of the stream. */
    static final int MAX_ATTRIBUTES_CHARS = 16_384;

    /**
     * Far beyond any real meter reading, and low enough that a period's sums of such records stay
     * within the sink tables' numeric(38, 9) and the Avro contract's precision 38.
     */
    public static final BigDecimal MAX_QUANTITY = BigDecimal.TEN.pow(18);

    private final long maxFutureSkewMs;

    public InputValidation(long maxFutureSkewMs) {
        this.maxFutureSkewMs = maxFutureSkewMs;
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
        String kind = r.getKind();
        if (kind != null && !kind.equals("event") && !kind.equals("summary")) {
            throw new InvalidRecordException("kind '" + kind + "' is not one of event, summary");
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
        long start = eventTime("period_start", l.getPeriodStart(), nowMs);
        long end = eventTime("period_end", l.getPeriodEnd(), nowMs);
        if (end <= start) {
            throw new InvalidRecordException(
                    "period_end " + l.getPeriodEnd() + " is not after period_start " + l.getPeriodStart());
        }
        quantity(l.getQuantity());
        // A negative amount is a credit or discount line: it lowers what was billed (spec v1.1).
        // Currency codes are case-insensitive, as for contracts: "USD" on a line is the same currency
        // as "usd" in its contract, and finance would not call that a mismatch.
        String currency = l.getCurrency() == null ? null : l.getCurrency().toLowerCase(Locale.ROOT);
        currency(currency);
        if (!STATUSES.contains(l.getStatus())) {
            throw new InvalidRecordException("status '" + l.getStatus() + "' is not one of draft, open, paid, void");
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
        e.status = l.getStatus();
        if (l.getUpdatedAt() != null) {
            e.updatedAt = eventTime("updated_at", l.getUpdatedAt(), nowMs);
        }
        return e;
    }

    public ContractEvent contract(Contract c, long nowMs) throws InvalidRecordException {
        id("account_id", c.getAccountId());
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
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException(field + " is empty");
        }
        if (hasControlCharacter(value)) {
            throw new InvalidRecordException(field + " contains a control character");
        }
    }

    /**
     * Ids and names may not contain control characters (U+0000 to U+001F and U+007F, the POSIX
     * {@code \p{Cntrl}} class): the key joins them with U+001F. A loop over the chars, not a regex,
     * because every usage and report record checks three of these strings.
     */
    static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    private long eventTime(String field, Instant t, long nowMs) throws InvalidRecordException {
        if (t.toEpochMilli() < 0) {
            throw new InvalidRecordException(field + " " + t + " is before 1970-01-01");
        }
        if (t.toEpochMilli() > nowMs + maxFutureSkewMs) {
            throw new InvalidRecordException(field + " " + t + " is more than reconcile.max-future-skew ahead of now");
        }
        return t.toEpochMilli();
    }

    private static void quantity(BigDecimal q) throws InvalidRecordException {
        if (q.signum() < 0) {
            throw new InvalidRecordException(
                    "quantity is negative: " + q.stripTrailingZeros().toPlainString());
        }
        if (q.compareTo(MAX_QUANTITY) >= 0) {
            throw new InvalidRecordException("quantity "
                    + q.stripTrailingZeros().toPlainString() + " is not below the limit of 10^18 units per record");
        }
    }

    private static void currency(String c) throws InvalidRecordException {
        if (c == null || !CURRENCY.matcher(c).matches()) {
            throw new InvalidRecordException("currency '" + c + "' is not a 3-letter ISO 4217 code");
        }
        try {
            java.util.Currency.getInstance(c.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("currency '" + c + "' is not an ISO 4217 code");
        }
    }
}
