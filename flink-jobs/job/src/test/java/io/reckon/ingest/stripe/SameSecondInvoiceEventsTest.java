package io.reckon.ingest.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Contract;
import io.reckon.avro.MeterTerms;
import io.reckon.avro.Pricing;
import io.reckon.connectors.embedded.FakeStripeReads;
import io.reckon.connectors.embedded.FakeStripeReads.Line;
import io.reckon.connectors.stripe.source.ContractLookup;
import io.reckon.connectors.stripe.source.RateLimitBackoff;
import io.reckon.connectors.stripe.source.StripeRecord;
import io.reckon.connectors.stripe.source.StripeSource;
import io.reckon.connectors.stripe.source.StripeSourceSettings;
import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.reconcile.ReconcileFunction;
import io.reckon.jobs.reconcile.ReconcileOperator;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.sources.InputValidation;
import io.reckon.jobs.testing.Contracts;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stripe's {@code created} is in seconds. A draft invoice whose line is corrected and which is
 * finalized within the same second yields two records of one line that differ only by the
 * milliseconds the events source adds (the events' rank in their second): the reconciliation then
 * keeps the finalized line whatever the order in which the two records reach it. With the second alone
 * it would order them by their content and keep the draft.
 */
class SameSecondInvoiceEventsTest {

    private static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");
    /** The draft and its corrected, finalized state, both in this second. */
    private static final long SECOND = APRIL.getEpochSecond() + 1800;

    @TempDir
    Path dir;

    @Test
    void theLaterStateOfTheSameSecondWinsDownstreamInEitherArrivalOrder() throws Exception {
        List<StripeRecord> lines = linesFromTheEventsSource();
        assertThat(lines).extracting(r -> r.amountMinor).containsExactly(2500L, 1500L);
        assertThat(lines).extracting(r -> r.status).containsExactly("draft", "open");
        assertThat(lines).extracting(r -> r.updatedAt).containsExactly(SECOND * 1000, SECOND * 1000 + 1);

        // 6,000 units reported at 0.5 cents: 3,000 owed. Billed 1,500 (the finalized line): a missed
        // overage of 1,500. Had the draft's 2,500 been kept: 500.
        for (boolean reversed : List.of(false, true)) {
            AnomalyRecord missed = missedOverage(lines, reversed);
            assertThat(missed.billedAmountMinor).as("reversed=%s", reversed).isEqualTo(1500L);
            assertThat(missed.pricedReportedAmountMinor).isEqualTo(3000);
            assertThat(missed.amountMinor).as("reversed=%s", reversed).isEqualTo(1500);
            assertThat(missed.finalRevision).isTrue();
        }
    }

    @Test
    void withTheSecondAloneTheDraftWouldWinByItsContent() throws Exception {
        List<StripeRecord> secondsOnly = new ArrayList<>();
        for (StripeRecord r : linesFromTheEventsSource()) {
            StripeRecord copy = StripeRecord.invoiceLine(
                    r.invoiceId,
                    r.lineId,
                    r.accountId,
                    r.meter,
                    r.periodStart,
                    r.periodEnd,
                    r.quantity,
                    r.amountMinor,
                    r.currency,
                    r.status,
                    r.updatedAt / 1000 * 1000);
            secondsOnly.add(copy);
        }
        for (boolean reversed : List.of(false, true)) {
            assertThat(missedOverage(secondsOnly, reversed).billedAmountMinor)
                    .as("reversed=%s", reversed)
                    .isEqualTo(2500L);
        }
    }

    /** The two line records of in_1, as the production events source reads them from the stand-in. */
    private List<StripeRecord> linesFromTheEventsSource() throws Exception {
        try (FakeStripeReads stripe = FakeStripeReads.start()) {
            stripe.price("price_api", "mtr_api");
            long start = MARCH.getEpochSecond();
            long end = APRIL.getEpochSecond();
            stripe.invoice(
                    "in_1",
                    "cus_1",
                    "usd",
                    SECOND,
                    "draft",
                    List.of(new Line("il_1", "price_api", start, end, new BigDecimal("5000"), 2500)));
            stripe.event("invoice.created", "in_1", SECOND);
            stripe.invoice(
                    "in_1",
                    "cus_1",
                    "usd",
                    SECOND,
                    "open",
                    List.of(new Line("il_1", "price_api", start, end, new BigDecimal("3000"), 1500)));
            stripe.event("invoice.finalized", "in_1", SECOND);

            Path key = Files.writeString(dir.resolve("key"), "rk_test_same_second", StandardCharsets.UTF_8);
            StripeSourceSettings settings = new StripeSourceSettings(
                    stripe.apiBase(),
                    key.toString(),
                    null,
                    Duration.ofMillis(50),
                    Duration.ofMillis(50),
                    2,
                    100,
                    new RateLimitBackoff(Duration.ofMillis(5), Duration.ofMillis(50), 8),
                    Duration.ofSeconds(10),
                    true);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
            List<StripeRecord> out = new ArrayList<>();
            try (CloseableIterator<StripeRecord> it = env.fromSource(
                            StripeSource.events(settings, ContractLookup.fixed(List.of(contract())))
                                    .withClock(Clock.fixed(APRIL.plusSeconds(86_400), ZoneOffset.UTC)),
                            WatermarkStrategy.noWatermarks(),
                            "stripe-events")
                    .executeAndCollect()) {
                it.forEachRemaining(out::add);
            }
            return out;
        }
    }

    /** Reconciles the lines (in the order given, or reversed) with usage and reports of 6,000 units. */
    private static AnomalyRecord missedOverage(List<StripeRecord> lines, boolean reversed) throws Exception {
        InputValidation validation = new InputValidation(Duration.ofDays(400).toMillis());
        long now = System.currentTimeMillis();
        List<MeterEvent> records = new ArrayList<>();
        long t = MARCH.plus(Duration.ofDays(3)).toEpochMilli();
        records.add(MeterEvent.usage("u-1", "acct_1", "api_calls", t, new BigDecimal("6000")));
        records.add(MeterEvent.reported("r-1", "acct_1", "api_calls", t, new BigDecimal("6000")));
        List<MeterEvent> invoiceLines = new ArrayList<>();
        for (StripeRecord r : lines) {
            invoiceLines.add(validation.invoiceLine(StripeIngestRecords.invoiceLine(r), now));
        }
        if (reversed) {
            java.util.Collections.reverse(invoiceLines);
        }
        records.addAll(invoiceLines);

        KeyedBroadcastOperatorTestHarness<String, MeterEvent, io.reckon.jobs.records.ContractEvent, AnomalyRecord> h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new ReconcileOperator(new ReconcileFunction(ReconSettings.defaults())),
                        MeterEvent::key,
                        Types.STRING,
                        1,
                        1,
                        0);
        h.open();
        h.processBroadcastElement(
                Contracts.event(Contracts.perUnit("acct_1", 1, "2026-01-01T00:00:00Z", "api_calls", "0.5")), 0);
        for (MeterEvent e : records) {
            h.processElement(e, e.eventTime);
        }
        h.watermark(Long.MAX_VALUE);
        List<AnomalyRecord> out = new ArrayList<>(h.extractOutputValues());
        h.close();
        return out.stream()
                .filter(a -> a.type.equals("MISSED_OVERAGE"))
                .max(Comparator.comparingInt(a -> a.revision))
                .orElseThrow(() -> new AssertionError("no MISSED_OVERAGE in " + out));
    }

    private static Contract contract() {
        return Contract.newBuilder()
                .setAccountId("acct_1")
                .setVersion(1)
                .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setCurrency("usd")
                .setStripeCustomerId("cus_1")
                .setMeters(List.of(MeterTerms.newBuilder()
                        .setMeter("api_calls")
                        .setStripeMeterId("mtr_api")
                        .setPricing(Pricing.newBuilder()
                                .setModel("per_unit")
                                .setUnitAmountDecimal(new BigDecimal("0.500000000000"))
                                .build())
                        .build()))
                .build();
    }
}
