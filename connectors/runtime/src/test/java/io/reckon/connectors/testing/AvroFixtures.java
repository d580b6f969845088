package io.reckon.connectors.testing;

import io.reckon.avro.Action;
import io.reckon.avro.Anomaly;
import io.reckon.avro.Contract;
import io.reckon.avro.DeadLetter;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.MeterTerms;
import io.reckon.avro.Pricing;
import io.reckon.avro.Renewal;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.Tier;
import io.reckon.avro.UsageEvent;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One filled-in record of every Avro contract type. Decimals carry exactly their schema's scale and
 * timestamps whole milliseconds, so a lossless round trip gives back equal records.
 */
public final class AvroFixtures {

    public static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");

    private AvroFixtures() {}

    public static BigDecimal dec9(String value) {
        return new BigDecimal(value).setScale(9);
    }

    public static BigDecimal dec12(String value) {
        return new BigDecimal(value).setScale(12);
    }

    public static UsageEvent usageEvent(String eventId) {
        return UsageEvent.newBuilder()
                .setEventId(eventId)
                .setAccountId("acct-42")
                .setMeter("api_calls")
                .setEventTime(Instant.parse("2025-03-14T09:26:53.589Z"))
                .setQuantity(dec9("12345678901234567890.123456789"))
                .setAttributes(Map.of("region", "eu-west-1", "sku", "päckage-ß"))
                .build();
    }

    public static ReportedUsage reportedUsage() {
        return ReportedUsage.newBuilder()
                .setReportId("rep-1")
                .setAccountId("acct-42")
                .setMeter("api_calls")
                .setEventTime(Instant.parse("2025-03-14T09:26:53.001Z"))
                .setQuantity(dec9("0.000000001"))
                .build();
    }

    public static InvoiceLine invoiceLine() {
        return InvoiceLine.newBuilder()
                .setInvoiceId("in_1")
                .setLineId("il_1")
                .setAccountId("acct-42")
                .setMeter("api_calls")
                .setPeriodStart(T0)
                .setPeriodEnd(Instant.parse("2025-04-01T00:00:00Z"))
                .setQuantity(dec9("-3.5"))
                .setAmountMinor(-1_234_567_890_123L)
                .setCurrency("eur")
                .setStatus("void")
                .build();
    }

    /** A contract with every optional part filled in, nested records, an array and null tier bounds. */
    public static Contract contract() {
        Pricing graduated = Pricing.newBuilder()
                .setModel("graduated")
                .setUnitAmountDecimal(null)
                .setTiers(List.of(
                        Tier.newBuilder()
                                .setUpTo(dec9("1000"))
                                .setUnitAmountDecimal(dec12("0.001234567891"))
                                .setFlatAmountMinor(500L)
                                .build(),
                        Tier.newBuilder()
                                .setUpTo(null)
                                .setUnitAmountDecimal(dec12("0.0005"))
                                .setFlatAmountMinor(null)
                                .build()))
                .setPackageSize(null)
                .setPackageAmountDecimal(null)
                .build();
        Pricing perPackage = Pricing.newBuilder()
                .setModel("package")
                .setUnitAmountDecimal(null)
                .setTiers(null)
                .setPackageSize(dec9("100"))
                .setPackageAmountDecimal(dec12("9.99"))
                .build();
        return Contract.newBuilder()
                .setAccountId("acct-42")
                .setVersion(3)
                .setEffectiveFrom(T0)
                .setCurrency("usd")
                .setBillingAnchorDay(15)
                .setStripeCustomerId("cus_123")
                .setCrmAccountId(null)
                .setRenewal(Renewal.newBuilder()
                        .setTermEnd(Instant.parse("2026-03-01T00:00:00Z"))
                        .setEscalatorPct(dec9("7.5"))
                        .build())
                .setMeters(List.of(
                        MeterTerms.newBuilder()
                                .setMeter("api_calls")
                                .setAggregation("sum")
                                .setIncludedQuantity(dec9("10000"))
                                .setMinimumAmountMinor(10_000L)
                                .setTolerancePct(dec9("0.5"))
                                .setPricing(graduated)
                                .build(),
                        MeterTerms.newBuilder()
                                .setMeter("storage_gb")
                                .setAggregation(null)
                                .setIncludedQuantity(null)
                                .setMinimumAmountMinor(null)
                                .setTolerancePct(null)
                                .setPricing(perPackage)
                                .build()))
                .build();
    }

    public static Anomaly anomaly() {
        return Anomaly.newBuilder()
                .setAnomalyId("an-1")
                .setRevision(2)
                .setStatus("updated")
                .setType("UNDER_REPORTED_USAGE")
                .setAccountId("acct-42")
                .setMeter("api_calls")
                .setPeriodStart(T0)
                .setPeriodEnd(Instant.parse("2025-04-01T00:00:00Z"))
                .setCurrency("usd")
                .setActualQuantity(dec9("1500.25"))
                .setReportedQuantity(dec9("1200"))
                .setExpectedAmountMinor(150_025L)
                .setPricedReportedAmountMinor(120_000L)
                .setBilledAmountMinor(null)
                .setAmountMinor(30_025L)
                .setConfidence(0.875)
                .setSeverity("high")
                .setFinal$(false)
                .setExplanation("Usage of 1500.25 exceeds the 1200 reported.")
                .setEventTimeWatermark(Instant.parse("2025-04-01T00:05:00Z"))
                .setDetectedAt(Instant.parse("2025-04-01T00:05:01.250Z"))
                .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSource("recon.usage")
                .setPartition(1)
                .setOffset(null)
                .setRaw(ByteBuffer.wrap(new byte[] {0x01, 0x00, (byte) 0xff, 0x7f}))
                .setReason("unknown magic byte 0x01")
                .setDetectedAt(Instant.parse("2025-04-01T00:00:00.999Z"))
                .build();
    }

    public static Action action(String actionId) {
        return Action.newBuilder()
                .setActionId(actionId)
                .setAnomalyId("an-1")
                .setAnomalyRevision(2)
                .setKind("stripe_draft_invoice")
                .setStatus("proposed")
                .setPolicy("auto-bill-under-reported")
                .setAccountId("acct-42")
                .setAmountMinor(30_025L)
                .setCurrency("usd")
                .setExternalId(null)
                .setReason(null)
                .setOccurredAt(Instant.parse("2025-04-01T00:06:00Z"))
                .build();
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
