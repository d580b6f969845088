package io.reckon.jobs.sinks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.avro.Anomaly;
import io.reckon.avro.DeadLetter;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.ForecastRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** The output records in their wire forms: Avro for the topics, JSON Lines for replay files. */
public final class OutputRecords {

    private static final int QUANTITY_SCALE = 9;

    private OutputRecords() {}

    public static Anomaly toAvro(AnomalyRecord r) {
        return Anomaly.newBuilder()
                .setAnomalyId(r.anomalyId)
                .setRevision(r.revision)
                .setStatus(r.status)
                .setType(r.type)
                .setAccountId(r.accountId)
                .setMeter(r.meter)
                .setPeriodStart(Instant.ofEpochMilli(r.periodStart))
                .setPeriodEnd(Instant.ofEpochMilli(r.periodEnd))
                .setCurrency(r.currency)
                .setActualQuantity(scaled(r.actualQuantity))
                .setReportedQuantity(scaled(r.reportedQuantity))
                .setExpectedAmountMinor(r.expectedAmountMinor)
                .setPricedReportedAmountMinor(r.pricedReportedAmountMinor)
                .setBilledAmountMinor(r.billedAmountMinor)
                .setAmountMinor(r.amountMinor)
                .setConfidence(r.confidence)
                .setSeverity(r.severity)
                .setFinal$(r.finalRevision)
                .setExplanation(r.explanation)
                .setEventTimeWatermark(Instant.ofEpochMilli(r.eventTimeWatermark))
                .setDetectedAt(Instant.ofEpochMilli(r.detectedAt))
                .build();
    }

    public static DeadLetter toAvro(DeadLetterRecord d) {
        return DeadLetter.newBuilder()
                .setSource(d.source)
                .setPartition(d.partition)
                .setOffset(d.offset)
                .setRaw(ByteBuffer.wrap(d.raw))
                .setReason(d.reason)
                .setDetectedAt(Instant.ofEpochMilli(d.detectedAt))
                .setRawLength(d.rawLength)
                .setRawSha256(d.rawSha256)
                .build();
    }

    /** Quantities stay exact: every quantity of the job has at most 9 fractional digits. */
    private static BigDecimal scaled(BigDecimal q) {
        return q.setScale(QUANTITY_SCALE, RoundingMode.UNNECESSARY);
    }

    /** One anomaly revision as a JSON line with the field names of the spec. */
    public static String toJson(Anomaly a) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("anomaly_id", a.getAnomalyId());
        n.put("revision", a.getRevision());
        n.put("status", a.getStatus());
        n.put("type", a.getType());
        n.put("account_id", a.getAccountId());
        n.put("meter", a.getMeter());
        n.put("period_start", a.getPeriodStart().toString());
        n.put("period_end", a.getPeriodEnd().toString());
        n.put("currency", a.getCurrency());
        n.put("actual_quantity", plain(a.getActualQuantity()));
        n.put("reported_quantity", plain(a.getReportedQuantity()));
        n.put("expected_amount_minor", a.getExpectedAmountMinor());
        n.put("priced_reported_amount_minor", a.getPricedReportedAmountMinor());
        if (a.getBilledAmountMinor() == null) {
            n.putNull("billed_amount_minor");
        } else {
            n.put("billed_amount_minor", a.getBilledAmountMinor());
        }
        n.put("amount_minor", a.getAmountMinor());
        n.put("confidence", a.getConfidence());
        n.put("severity", a.getSeverity());
        n.put("final", a.getFinal$());
        n.put("explanation", a.getExplanation());
        n.put("event_time_watermark", a.getEventTimeWatermark().toString());
        n.put("detected_at", a.getDetectedAt().toString());
        return n.toString();
    }

    /** One revision of a period-end forecast as a JSON line (times as ISO-8601 instants, like anomalies). */
    public static String toJson(ForecastRecord f) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("account_id", f.accountId);
        n.put("meter", f.meter);
        n.put("period_start", Instant.ofEpochMilli(f.periodStart).toString());
        n.put("period_end", Instant.ofEpochMilli(f.periodEnd).toString());
        n.put("as_of", Instant.ofEpochMilli(f.asOf).toString());
        n.put("currency", f.currency);
        n.put("quantity_so_far", plain(f.quantitySoFar));
        n.put("projected_quantity", plain(f.projectedQuantity));
        n.put("quantity_low", plain(f.quantityLow));
        n.put("quantity_high", plain(f.quantityHigh));
        n.put("projected_amount_minor", f.projectedAmountMinor);
        n.put("amount_low_minor", f.amountLowMinor);
        n.put("amount_high_minor", f.amountHighMinor);
        n.put("final", f.finalRevision);
        return n.toString();
    }

    /** One dead letter as a JSON line; the raw record as text when it is UTF-8, else base64. */
    public static String toJson(DeadLetter d) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("source", d.getSource());
        if (d.getPartition() == null) {
            n.putNull("partition");
        } else {
            n.put("partition", d.getPartition());
        }
        if (d.getOffset() == null) {
            n.putNull("offset");
        } else {
            n.put("offset", d.getOffset());
        }
        byte[] raw = new byte[d.getRaw().remaining()];
        d.getRaw().duplicate().get(raw);
        String text = utf8(raw);
        if (text != null) {
            n.put("raw", text);
        } else {
            n.put("raw_base64", Base64.getEncoder().encodeToString(raw));
        }
        if (d.getRawLength() != null) {
            n.put("raw_length", d.getRawLength());
        }
        if (d.getRawSha256() != null) {
            n.put("raw_sha256", d.getRawSha256());
        }
        n.put("reason", d.getReason());
        n.put("detected_at", d.getDetectedAt().toString());
        return n.toString();
    }

    private static String utf8(byte[] raw) {
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
            // Avro payloads decode as "UTF-8" surprisingly often; control bytes say they are binary.
            return s.chars().anyMatch(c -> c < 0x20 && c != '\t') ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }
}
