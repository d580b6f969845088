package io.reckon.replay;

import static io.reckon.jobs.records.JsonFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.UsageEvent;
import io.reckon.jobs.records.ContractAvro;
import io.reckon.jobs.records.ContractJson;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.jobs.sources.InputKind;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * JSON Lines input (the format of the reconciliation spec) to the Avro contracts, exactly as a
 * producer would convert it. Only shape is checked here (JSON, required fields, numbers, times, the
 * fixed decimal scales); the job itself applies every rule of the input contract, so replay and
 * production dead-letter the same records for the same reasons.
 */
public final class JsonInputs {

    private static final int QUANTITY_SCALE = 9;

    private JsonInputs() {}

    /** The Kafka key (account_id) and the Avro value of one line. */
    public record Converted(String key, SpecificRecord value) {}

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
                var c = ContractJson.parse(n);
                // Keyed by account and version: the topic is compacted, and every version of an
                // account must survive compaction (periods before a newer version still need it).
                yield new Converted(c.accountId() + ":" + c.version(), ContractAvro.toAvro(c));
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
                    throw new InvalidRecordException("attributes." + e.getKey() + " must be a string");
                }
                attributes.put(e.getKey(), e.getValue().asText());
            }
        }
        UsageEvent u = UsageEvent.newBuilder()
                .setEventId(text(n, "event_id"))
                .setAccountId(text(n, "account_id"))
                .setMeter(text(n, "meter"))
                .setEventTime(time(n, "event_time"))
                .setQuantity(ContractAvro.scaled(decimal(n, "quantity"), QUANTITY_SCALE, "quantity"))
                .setAttributes(attributes)
                .build();
        return new Converted(u.getAccountId(), u);
    }

    private static Converted reported(JsonNode n) throws InvalidRecordException {
        ReportedUsage r = ReportedUsage.newBuilder()
                .setReportId(text(n, "report_id"))
                .setAccountId(text(n, "account_id"))
                .setMeter(text(n, "meter"))
                .setEventTime(time(n, "event_time"))
                .setQuantity(ContractAvro.scaled(decimal(n, "quantity"), QUANTITY_SCALE, "quantity"))
                .setKind(optionalText(n, "kind"))
                .setUpdatedAt(optionalTime(n, "updated_at"))
                .build();
        return new Converted(r.getAccountId(), r);
    }

    private static Converted invoiceLine(JsonNode n) throws InvalidRecordException {
        InvoiceLine l = InvoiceLine.newBuilder()
                .setInvoiceId(text(n, "invoice_id"))
                .setLineId(text(n, "line_id"))
                .setAccountId(text(n, "account_id"))
                .setMeter(text(n, "meter"))
                .setPeriodStart(time(n, "period_start"))
                .setPeriodEnd(time(n, "period_end"))
                .setQuantity(ContractAvro.scaled(decimal(n, "quantity"), QUANTITY_SCALE, "quantity"))
                .setAmountMinor(integer(n, "amount_minor"))
                .setCurrency(text(n, "currency"))
                .setStatus(text(n, "status"))
                .setUpdatedAt(optionalTime(n, "updated_at"))
                .build();
        return new Converted(l.getAccountId(), l);
    }
}
