package io.reckon.jobs.records;

import java.math.BigDecimal;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One validated record of the keyed inputs (usage, reported usage, invoice lines), as it flows
 * through the reconciliation job. One mutable type on purpose: the union of three inputs into one keyed
 * stream needs one type. Serialized by {@link MeterEventSerializer} (no reflection, no Kryo).
 */
@TypeInfo(MeterEventTypeInfoFactory.class)
public class MeterEvent {

    /** Which input a record came from. */
    public enum Kind {
        USAGE,
        REPORTED,
        INVOICE_LINE
    }

    public Kind kind;
    /** event_id, report_id or line_id. */
    public String id;

    public String accountId;
    public String meter;
    /** Event time in epoch millis; for an invoice line the end of its billed period. */
    public long eventTime;

    public BigDecimal quantity;

    /**
     * When the billing system last changed the record (invoice lines and reported summaries), or
     * {@link #NO_UPDATED_AT}. Decides which of two records of one line or summary is the later.
     */
    public long updatedAt = NO_UPDATED_AT;

    /**
     * A reported record of kind {@code summary}: an aggregate the billing system keeps for a window,
     * replaced by a later record with the same id instead of counted once.
     */
    public boolean summary;

    /**
     * Where the record was read, for a dead letter written after decoding: the input (a code the
     * decoder sets: 1 + the input's ordinal, 0 when unknown), its Kafka partition and offset (-1 when
     * unknown).
     */
    public int sourceInput;

    public int sourcePartition = -1;
    public long sourceOffset = -1;

    // Invoice lines only.
    public String invoiceId;
    public long periodStart;
    public long periodEnd;
    public long amountMinor;
    public String currency;
    public String status;

    /**
     * The {@link #status} of a record the job makes, never read from an input (whose statuses are draft,
     * open, paid and void): the invoice line {@link #id} stands under another (account, meter) now, so
     * this key drops it (see InvoiceLineOwners).
     */
    public static final String LINE_ELSEWHERE = "elsewhere";

    /** {@link #updatedAt} of a record that does not carry one. */
    public static final long NO_UPDATED_AT = Long.MIN_VALUE;

    public MeterEvent() {}

    public static MeterEvent usage(String id, String accountId, String meter, long eventTime, BigDecimal quantity) {
        return of(Kind.USAGE, id, accountId, meter, eventTime, quantity);
    }

    public static MeterEvent reported(String id, String accountId, String meter, long eventTime, BigDecimal quantity) {
        return of(Kind.REPORTED, id, accountId, meter, eventTime, quantity);
    }

    private static MeterEvent of(
            Kind kind, String id, String accountId, String meter, long eventTime, BigDecimal quantity) {
        MeterEvent e = new MeterEvent();
        e.kind = kind;
        e.id = id;
        e.accountId = accountId;
        e.meter = meter;
        e.eventTime = eventTime;
        e.quantity = quantity;
        return e;
    }

    /** The key of all keyed state: one (account, meter). */
    public String key() {
        return keyOf(accountId, meter);
    }

    /**
     * Joins account and meter with the ASCII unit separator, which validation rejects inside ids, so
     * distinct pairs never collide.
     */
    public static String keyOf(String accountId, String meter) {
        return accountId + '\u001f' + meter;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MeterEvent other)) {
            return false;
        }
        return kind == other.kind
                && eventTime == other.eventTime
                && periodStart == other.periodStart
                && periodEnd == other.periodEnd
                && amountMinor == other.amountMinor
                && updatedAt == other.updatedAt
                && summary == other.summary
                && sourceInput == other.sourceInput
                && sourcePartition == other.sourcePartition
                && sourceOffset == other.sourceOffset
                && Objects.equals(id, other.id)
                && Objects.equals(accountId, other.accountId)
                && Objects.equals(meter, other.meter)
                && Objects.equals(quantity, other.quantity)
                && Objects.equals(invoiceId, other.invoiceId)
                && Objects.equals(currency, other.currency)
                && Objects.equals(status, other.status);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, id, accountId, meter, eventTime, quantity);
    }

    @Override
    public String toString() {
        return kind + (summary ? "(summary)" : "") + "{" + id + ", " + accountId + "/" + meter + ", t=" + eventTime
                + ", q=" + quantity + "}";
    }
}
