package io.reckon.ingest.stripe;

import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.StripeCollection;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.stripe.source.ContractLookup;
import io.reckon.connectors.stripe.source.InvoiceEventClock;
import io.reckon.connectors.stripe.source.KafkaContractLookup;
import io.reckon.connectors.stripe.source.LineMapper;
import io.reckon.connectors.stripe.source.StripeApi;
import io.reckon.connectors.stripe.source.StripeMetrics;
import io.reckon.connectors.stripe.source.StripeRecord;
import io.reckon.connectors.stripe.source.StripeSourceSettings;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.sinks.OutputRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.LongStream;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reads invoices created in a time range through {@code GET /v1/invoices} (history older than the
 * Events API's 30 days), every page and every line, maps them like the events source, and writes the
 * lines into {@code recon.invoices} and the unmappable ones into {@code recon.dlq}. A line's {@code
 * updated_at} is the invoice's last status change (finalized, paid, voided or marked uncollectible;
 * else its creation) at the end of that second ({@link InvoiceEventClock#BACKFILL_RANK} ms: after
 * every event of the second, which holds the state read here or an older one), so running the same
 * range again writes records that replace themselves, and a later change seen by the events source
 * still wins.
 *
 * <pre>{@code
 * StripeBackfill.Result r = StripeBackfill.run(conf, Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"));
 * }</pre>
 */
public final class StripeBackfill {

    /** What a backfill wrote. */
    public record Result(long invoices, long lines, long deadLetters, long pages) {}

    private StripeBackfill() {}

    public static Result run(ReadableConfig conf, Instant from, Instant to) throws IOException {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from must be before --to: " + from + ", " + to);
        }
        StripeSourceSettings settings = StripeSourceSettings.fromConfig(conf);
        StripeMetrics metrics = StripeMetrics.unregistered();
        StripeApi api = new StripeApi(settings, settings.resolveApiKey(), metrics);
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        Properties props = KafkaOptions.clientProperties(conf);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        long invoices = 0;
        long lines = 0;
        long dead = 0;
        try (ContractLookup contracts = KafkaContractLookup.factory(conf).open();
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            LineMapper mapper = new LineMapper(contracts.refresh(), api::meterOfPrice);
            String after = null;
            while (true) {
                StripeCollection<Invoice> page = api.invoices(from.getEpochSecond(), to.getEpochSecond(), after);
                for (Invoice invoice : page.getData()) {
                    invoices++;
                    List<InvoiceLineItem> all = invoice.getLines() != null
                                    && !Boolean.TRUE.equals(invoice.getLines().getHasMore())
                            ? invoice.getLines().getData()
                            : api.invoiceLines(invoice.getId());
                    for (StripeRecord r : mapper.map(invoice, all, updatedAt(invoice), false)) {
                        String unfit = r.kind == StripeRecord.Kind.INVOICE_LINE
                                ? StripeRouter.unfitQuantity(r.quantity)
                                : null;
                        if (r.kind == StripeRecord.Kind.INVOICE_LINE && unfit == null) {
                            producer.send(new ProducerRecord<>(
                                    Topics.INVOICES,
                                    r.accountId.getBytes(StandardCharsets.UTF_8),
                                    codec.encode(
                                            ConfluentAvroCodec.valueSubject(Topics.INVOICES),
                                            StripeIngestRecords.invoiceLine(r))));
                            lines++;
                        } else {
                            DeadLetterRecord d = r.kind == StripeRecord.Kind.UNMAPPED
                                    ? DeadLetterRecord.of(r.source, null, null, r.raw, r.reason, r.updatedAt)
                                    : DeadLetterRecord.of(
                                            "stripe.invoice_line", null, null, r.toString(), unfit, r.updatedAt);
                            producer.send(new ProducerRecord<>(
                                    Topics.DLQ,
                                    d.source.getBytes(StandardCharsets.UTF_8),
                                    codec.encode(
                                            ConfluentAvroCodec.valueSubject(Topics.DLQ), OutputRecords.toAvro(d))));
                            dead++;
                        }
                    }
                }
                if (!Boolean.TRUE.equals(page.getHasMore()) || page.getData().isEmpty()) {
                    break;
                }
                after = page.getData().get(page.getData().size() - 1).getId();
            }
            producer.flush();
        }
        return new Result(invoices, lines, dead, metrics.pagesFetched());
    }

    /** The invoice's last status change, else its creation, at the end of its second, epoch milliseconds. */
    static long updatedAt(Invoice invoice) {
        long created = invoice.getCreated() == null ? 0L : invoice.getCreated();
        Invoice.StatusTransitions t = invoice.getStatusTransitions();
        long latest = t == null
                ? created
                : LongStream.of(
                                created,
                                orZero(t.getFinalizedAt()),
                                orZero(t.getPaidAt()),
                                orZero(t.getVoidedAt()),
                                orZero(t.getMarkedUncollectibleAt()))
                        .max()
                        .getAsLong();
        return latest * 1000L + InvoiceEventClock.BACKFILL_RANK;
    }

    private static long orZero(Long value) {
        return value == null ? 0L : value;
    }
}
