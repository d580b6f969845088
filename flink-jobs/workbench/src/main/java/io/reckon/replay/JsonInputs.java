package io.reckon.replay;

import static io.reckon.jobs.records.JsonFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.UsageEvent;
import io.reckon.jobs.records.ContractAvro;
import io.reckon.jobs.records.ContractJson;
import io.reckon.jobs.records.InputLimits;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.jobs.sources.InputKind;
import io.reckon.jobs.sources.InputValidation;
import io.reckon.jobs.sources.RecordId;
import io.reckon.pricing.ContractVersion;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * JSON Lines input (the format of the reconciliation spec) to the Avro contracts, exactly as a
 * producer would convert it. Only shape is checked here (JSON, required fields, numbers, times, the
 * fixed decimal scales), plus what the Avro contracts cannot carry at all (times outside the years
 * 1970 to 9999, quantities of 10^18 units or more); the job itself applies every other rule of the
 * input contract, so replay and production dead-letter the same records for the same reasons.
 */
public final class JsonInputs {

    private static final int QUANTITY_SCALE = 9;

    /** The earliest time the loader accepts: the job refuses anything before 1970 as well. */
    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

    /** The first time the loader refuses: the year 10000 (four-digit years only). */
    public static final Instant END = Instant.parse("+10000-01-01T00:00:00Z");

    private JsonInputs() {}

    /**
     * The Kafka key (account_id), the Avro value of one line and its event time (what replay orders
     * the input by): a usage or report's {@code event_time}, an invoice line's {@code period_end} (the
     * job's event time of a line, see {@link InputValidation#invoiceLine}); null for a contract.
     */
    public record Converted(String key, SpecificRecord value, Instant eventTime, RecordId id) {}

    public static Converted convert(InputKind kind, String line) throws InvalidRecordException {
        JsonNode n = parse(line);
        return switch (kind) {
            case USAGE -> usage(n);
            case REPORTED -> reported(n);
            case INVOICES -> invoiceLine(n);
            case USAGE_CLOUDEVENTS ->
                throw new InvalidRecordException(
                        "CloudEvents usage has no JSON Lines form here; produce the events to " + kind.topic());
            case CONTRACTS -> {
                ContractVersion c = ContractJson.parse(n);
                // The times as written: the contract keeps them rounded up to the millisecond.
                inRange("effective_from", time(n, "effective_from"));
                if (c.renewal() != null) {
                    inRange("renewal.term_end", time(n.get("renewal"), "term_end"));
                }
                // Keyed by account and version: the topic is compacted, and every version of an
                // account must survive compaction (periods before a newer version still need it).
                yield new Converted(c.accountId() + ":" + c.version(), ContractAvro.toAvro(c), null, null);
            }
        };
    }

    private static Converted usage(JsonNode n) throws InvalidRecordException {
        Map<String, String> attributes = new HashMap<>();
        if (present(n, "attributes")) {
            JsonNode a = n.get("attributes");
            if (!a.isObject()) {
                throw new InvalidRecordException("attributes must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new InvalidRecordException("attributes." + shown(e.getKey()) + " must be a string");
                }
                String name = InputLimits.unicode("attributes key", e.getKey());
                attributes.put(
                        name,
                        InputLimits.unicode(
                                "attributes." + shown(name), e.getValue().asText()));
            }
        }
        UsageEvent u = UsageEvent.newBuilder()
                .setEventId(text(n, "event_id"))
                .setAccountId(text(n, "account_id"))
                .setMeter(text(n, "meter"))
                .setEventTime(boundedTime(n, "event_time"))
                .setQuantity(quantity(n))
                .setAttributes(attributes)
                .build();
        return new Converted(
                u.getAccountId(), u, u.getEventTime(), new RecordId(u.getAccountId(), u.getMeter(), u.getEventId()));
    }

    private static Converted reported(JsonNode n) throws InvalidRecordException {
        ReportedUsage r = ReportedUsage.newBuilder()
                .setReportId(text(n, "report_id"))
                .setAccountId(text(n, "account_id"))
                .setMeter(text(n, "meter"))
                .setEventTime(boundedTime(n, "event_time"))
                .setQuantity(quantity(n))
                .setKind(optionalText(n, "kind"))
                .setUpdatedAt(present(n, "updated_at") ? boundedTime(n, "updated_at") : null)
                .build();
        return new Converted(
                r.getAccountId(), r, r.getEventTime(), new RecordId(r.getAccountId(), r.getMeter(), r.getReportId()));
    }

    private static Converted invoiceLine(JsonNode n) throws InvalidRecordException {
        InvoiceLine l = InvoiceLine.newBuilder()
                .setInvoiceId(text(n, "invoice_id"))
                .setLineId(text(n, "line_id"))
                .setAccountId(text(n, "account_id"))
                .setMeter(text(n, "meter"))
                .setPeriodStart(boundedTime(n, "period_start"))
                .setPeriodEnd(boundedTime(n, "period_end"))
                .setQuantity(quantity(n))
                .setAmountMinor(integer(n, "amount_minor"))
                .setCurrency(text(n, "currency"))
                .setStatus(text(n, "status"))
                .setUpdatedAt(present(n, "updated_at") ? boundedTime(n, "updated_at") : null)
                .build();
        return new Converted(
                l.getAccountId(), l, l.getPeriodEnd(), new RecordId(l.getAccountId(), l.getMeter(), l.getLineId()));
    }

    /**
     * A quantity at the Avro scale of 9. One of 10^18 units or more is refused here with the job's
     * reason: the job refuses it too, and the largest ones cannot even be written as the Avro decimal.
     * A negative quantity is left to the job, which refuses it with its own reason.
     */
    private static BigDecimal quantity(JsonNode n) throws InvalidRecordException {
        BigDecimal q = decimal(n, "quantity");
        if (q.compareTo(InputValidation.MAX_QUANTITY) >= 0) {
            throw new InvalidRecordException("quantity "
                    + q.stripTrailingZeros().toPlainString() + " is not below the limit of 10^18 units per record");
        }
        return ContractAvro.scaled(q, QUANTITY_SCALE, "quantity");
    }

    private static Instant boundedTime(JsonNode n, String field) throws InvalidRecordException {
        return inRange(field, time(n, field));
    }

    /** {@code t} if it lies in the years 1970 to 9999, the range the loader accepts. */
    static Instant inRange(String field, Instant t) throws InvalidRecordException {
        if (t.isBefore(EARLIEST) || !t.isBefore(END)) {
            throw new InvalidRecordException(field + " " + t + " is outside the years 1970 to 9999");
        }
        return t;
    }
}
