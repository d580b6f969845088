package io.reckon.connectors.stripe.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.embedded.FakeStripeReads;
import io.reckon.connectors.embedded.FakeStripeReads.Line;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The events source against a Stripe stand-in with Stripe's shapes: every invoice line of every event
 * arrives once, also when the task fails after a checkpoint taken in the middle of a page, through
 * line pagination and storms of 429s; lines that map to no (account, meter) come out with the reason.
 */
class StripeEventsSourceTest {

    private static final long MARCH = Instant.parse("2026-03-01T00:00:00Z").getEpochSecond();
    private static final long APRIL = Instant.parse("2026-04-01T00:00:00Z").getEpochSecond();
    private static final BigDecimal TEN = BigDecimal.TEN;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-04-05T00:00:00Z"), ZoneOffset.UTC);

    private FakeStripeReads stripe;

    @BeforeEach
    void start() {
        stripe = FakeStripeReads.start();
        stripe.price("price_api", "mtr_api");
        stripe.price("price_storage", "mtr_storage");
        stripe.price("price_other", "mtr_other");
        // in_1: 12 lines (the event carries 10: the rest comes from /v1/invoices/in_1/lines), a credit,
        // a one-off item without price and a price of no contract meter.
        List<Line> lines = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            lines.add(new Line(
                    "il_1_" + i,
                    i % 2 == 0 ? "price_storage" : "price_api",
                    MARCH,
                    APRIL,
                    new BigDecimal(i * 100),
                    i * 1000L));
        }
        lines.add(new Line("il_1_credit", "price_storage", MARCH, APRIL, BigDecimal.ONE, -500));
        lines.add(new Line("il_1_oneoff", null, MARCH, APRIL, BigDecimal.ONE, 700));
        lines.add(new Line("il_1_other", "price_other", MARCH, APRIL, BigDecimal.ONE, 900));
        stripe.invoice("in_1", "cus_1", "usd", APRIL, "draft", lines);
        stripe.event("invoice.created", "in_1", APRIL + 10);
        stripe.status("in_1", "open");
        stripe.event("invoice.finalized", "in_1", APRIL + 20);
        // An invoice of a customer no contract names.
        stripe.invoice(
                "in_2",
                "cus_unknown",
                "usd",
                APRIL + 30,
                "open",
                List.of(new Line("il_2_1", "price_api", MARCH, APRIL, BigDecimal.TEN, 100)));
        stripe.event("invoice.finalized", "in_2", APRIL + 30);
        stripe.status("in_1", "paid");
        stripe.event("invoice.paid", "in_1", APRIL + 40);
        // A draft deleted: its lines become void.
        stripe.invoice(
                "in_3",
                "cus_1",
                "eur",
                APRIL + 50,
                "draft",
                List.of(new Line("il_3_1", "price_api", MARCH, APRIL, new BigDecimal("5"), 50)));
        stripe.event("invoice.created", "in_3", APRIL + 50);
        stripe.event("invoice.deleted", "in_3", APRIL + 60);
    }

    @AfterEach
    void stop() {
        stripe.close();
    }

    private StripeFixtures.Driver driver(StripeSplit split, StripeMetrics metrics) {
        StripeSourceSettings settings = StripeFixtures.settings(stripe.apiBase(), 2);
        StripeApi api = new StripeApi(settings, StripeFixtures.API_KEY, metrics);
        ContractLookup contracts = ContractLookup.fixed(List.of(StripeFixtures.contract("acct_1", "cus_1", 1)))
                .open();
        return new StripeFixtures.Driver(new EventsSplitReader(api, contracts, settings, metrics, CLOCK), split);
    }

    @Test
    void everyLineOfEveryEventArrivesOnceWithItsStatusAndTheUnmappableOnesWithTheirReason() throws Exception {
        StripeMetrics metrics = StripeMetrics.unregistered();
        StripeFixtures.Driver run = driver(StripeSplit.initial(StripeSplit.Stream.EVENTS), metrics);
        run.drain();

        List<StripeRecord> lines = of(run.emitted, StripeRecord.Kind.INVOICE_LINE);
        List<StripeRecord> unmapped = of(run.emitted, StripeRecord.Kind.UNMAPPED);
        // in_1: 10 mappable lines x 3 events; in_3: 1 line x 2 events.
        assertThat(lines).hasSize(32);
        assertThat(unmapped).hasSize(2 * 3 + 1);
        assertThat(lines.stream().map(r -> r.lineId + "@" + r.updatedAt).collect(Collectors.toSet()))
                .hasSize(32);
        StripeRecord paid = lines.stream()
                .filter(r -> r.lineId.equals("il_1_4") && r.status.equals("paid"))
                .findFirst()
                .orElseThrow();
        assertThat(paid.accountId).isEqualTo("acct_1");
        assertThat(paid.meter).isEqualTo("storage_gb");
        assertThat(paid.quantity).isEqualByComparingTo("400");
        assertThat(paid.amountMinor).isEqualTo(4000);
        assertThat(paid.currency).isEqualTo("usd");
        assertThat(paid.periodStart).isEqualTo(MARCH * 1000);
        assertThat(paid.periodEnd).isEqualTo(APRIL * 1000);
        assertThat(paid.updatedAt).isEqualTo((APRIL + 40) * 1000);
        assertThat(lines)
                .filteredOn(r -> r.lineId.equals("il_1_3"))
                .extracting(r -> r.meter)
                .containsOnly("api_calls");
        assertThat(lines)
                .filteredOn(r -> r.lineId.equals("il_1_credit"))
                .extracting(r -> r.amountMinor)
                .containsOnly(-500L);
        assertThat(lines)
                .filteredOn(r -> r.invoiceId.equals("in_1"))
                .extracting(r -> r.status)
                .containsOnly("draft", "open", "paid");
        assertThat(lines)
                .filteredOn(r -> r.lineId.equals("il_3_1"))
                .extracting(r -> r.status)
                .containsExactly("draft", "void");
        assertThat(unmapped)
                .extracting(r -> r.reason)
                .anySatisfy(reason -> assertThat(reason).contains("il_1_oneoff").contains("no price"))
                .anySatisfy(reason -> assertThat(reason)
                        .contains("il_1_other")
                        .contains("price_other (Stripe meter mtr_other)")
                        .contains("account acct_1"))
                .anySatisfy(reason -> assertThat(reason)
                        .contains("in_2")
                        .contains("Stripe customer cus_unknown is the stripe_customer_id of no contract"));
        assertThat(unmapped).allSatisfy(r -> assertThat(r.raw).startsWith("{").contains("\"id\""));
        assertThat(metrics.recordsMapped()).isEqualTo(32);
        assertThat(metrics.recordsUnmapped()).isEqualTo(7);
        assertThat(stripe.requests()).contains("/v1/invoices/in_1/lines", "/v1/prices/price_other");
        assertThat(stripe.stripeVersions()).isNotEmpty().containsOnly(StripeApi.API_VERSION);
    }

    @Test
    void aRestartFromACheckpointTakenMidPageThroughA429StormEmitsEachLineOnce() throws Exception {
        StripeFixtures.Driver reference =
                driver(StripeSplit.initial(StripeSplit.Stream.EVENTS), StripeMetrics.unregistered());
        reference.drain();

        StripeMetrics metrics = StripeMetrics.unregistered();
        stripe.rateLimitNext(3, 0);
        StripeFixtures.Driver first = driver(StripeSplit.initial(StripeSplit.Stream.EVENTS), metrics);
        // Pages hold 2 events: after 3 events the checkpoint is in the middle of the second page, whose
        // second event was fetched but not emitted.
        for (int i = 0; i < 3; i++) {
            assertThat(first.emitOne()).isTrue();
        }
        assertThat(first.pending()).isEqualTo(1);
        StripeSplit checkpoint = first.checkpoint();
        assertThat(first.emitOne()).isTrue(); // emitted after the checkpoint: lost with the failed task
        List<StripeRecord> beforeCheckpoint = new ArrayList<>(first.emitted.subList(0, first.emittedAtCheckpoint));

        stripe.rateLimitNext(4, 0);
        StripeFixtures.Driver second = driver(checkpoint, metrics);
        second.drain();

        List<StripeRecord> all = new ArrayList<>(beforeCheckpoint);
        all.addAll(second.emitted);
        assertThat(all).containsExactlyElementsOf(reference.emitted);
        Set<String> seen = new HashSet<>();
        for (StripeRecord r : of(all, StripeRecord.Kind.INVOICE_LINE)) {
            assertThat(seen.add(r.lineId + "@" + r.updatedAt)).as("once: %s", r).isTrue();
        }
        assertThat(metrics.rateLimitedCalls()).isEqualTo(7);
    }

    /**
     * in_4 is created as a draft billing 2,500, corrected to 1,500 and finalized, all within one second,
     * while in_5 changes in that second too: Stripe's created is in seconds, so the lines' updated_at
     * carry the events' rank within the second, per invoice, in Stripe's order.
     */
    private void threeStatesOfOneInvoiceInOneSecond(long second) {
        stripe.invoice(
                "in_4",
                "cus_1",
                "usd",
                second,
                "draft",
                List.of(new Line("il_4", "price_api", MARCH, APRIL, TEN, 2500)));
        stripe.event("invoice.created", "in_4", second);
        stripe.invoice(
                "in_5", "cus_1", "usd", second, "open", List.of(new Line("il_5", "price_api", MARCH, APRIL, TEN, 90)));
        stripe.event("invoice.finalized", "in_5", second);
        stripe.invoice(
                "in_4",
                "cus_1",
                "usd",
                second,
                "draft",
                List.of(new Line("il_4", "price_api", MARCH, APRIL, TEN, 1500)));
        stripe.event("invoice.updated", "in_4", second);
        stripe.status("in_4", "open");
        stripe.event("invoice.finalized", "in_4", second);
    }

    @Test
    void statesOfOneInvoiceInTheSameSecondGetStrictlyIncreasingUpdatedAtInStripesOrder() throws Exception {
        long second = APRIL + 100;
        threeStatesOfOneInvoiceInOneSecond(second);
        StripeFixtures.Driver run =
                driver(StripeSplit.initial(StripeSplit.Stream.EVENTS), StripeMetrics.unregistered());
        run.drain();

        List<StripeRecord> il4 = of(run.emitted, StripeRecord.Kind.INVOICE_LINE).stream()
                .filter(r -> r.lineId.equals("il_4"))
                .toList();
        assertThat(il4).extracting(r -> r.amountMinor).containsExactly(2500L, 1500L, 1500L);
        assertThat(il4).extracting(r -> r.status).containsExactly("draft", "draft", "open");
        assertThat(il4)
                .extracting(r -> r.updatedAt)
                .containsExactly(second * 1000, second * 1000 + 1, second * 1000 + 2);
        assertThat(of(run.emitted, StripeRecord.Kind.INVOICE_LINE))
                .filteredOn(r -> r.lineId.equals("il_5"))
                .extracting(r -> r.updatedAt)
                .containsExactly(second * 1000);
        // The events of other seconds keep their second.
        assertThat(of(run.emitted, StripeRecord.Kind.INVOICE_LINE))
                .filteredOn(r -> r.invoiceId.equals("in_1"))
                .allSatisfy(r -> assertThat(r.updatedAt % 1000).isZero());
    }

    @Test
    void aRestartBetweenTwoEventsOfTheSameSecondGoesOnCountingThatSecond() throws Exception {
        long second = APRIL + 100;
        threeStatesOfOneInvoiceInOneSecond(second);
        // Up to the draft of in_4 and in_5's event: the checkpoint falls inside the second.
        restartedOnceEmitted("il_5", checkpoint -> {
            assertThat(checkpoint.lastEventCreated()).isEqualTo(second);
            assertThat(checkpoint.invoiceEventsInLastSecond())
                    .containsEntry("in_4", 1)
                    .containsEntry("in_5", 1);
        });
    }

    @Test
    void aSplitCheckpointedBeforeTheRankWasKeptRestoresWithoutCounts() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            // Version 1: stream, last event, its created time, then the summary marks.
            out.writeUTF("EVENTS");
            out.writeBoolean(true);
            out.writeUTF("evt_1");
            out.writeLong(APRIL);
            out.writeInt(0);
        }
        StripeSplit split = StripeSplitSerializer.INSTANCE.deserialize(1, bytes.toByteArray());
        assertThat(split.lastEventId()).isEqualTo("evt_1");
        assertThat(split.lastEventCreated()).isEqualTo(APRIL);
        assertThat(split.invoiceEventsInLastSecond()).isEmpty();
        StripeSplitSerializer s = StripeSplitSerializer.INSTANCE;
        StripeSplit withCounts =
                new StripeSplit(StripeSplit.Stream.EVENTS, "evt_2", APRIL, Map.of("in_1", 3), Map.of());
        assertThat(s.deserialize(s.getVersion(), s.serialize(withCounts)).invoiceEventsInLastSecond())
                .isEqualTo(Map.of("in_1", 3));
    }

    /**
     * in_6 is created as a draft of two lines, one of them is deleted from the draft (Stripe sends only
     * the invoice's next event, without it), then the invoice is finalized.
     */
    private void aLineDeletedFromADraft(long at) {
        stripe.invoice(
                "in_6",
                "cus_1",
                "usd",
                at,
                "draft",
                List.of(
                        new Line("il_6_a", "price_api", MARCH, APRIL, TEN, 1000),
                        new Line("il_6_b", "price_storage", MARCH, APRIL, TEN, 200)));
        stripe.event("invoice.created", "in_6", at);
        stripe.invoice(
                "in_6", "cus_1", "usd", at, "draft", List.of(new Line("il_6_a", "price_api", MARCH, APRIL, TEN, 1000)));
        stripe.event("invoice.updated", "in_6", at + 60);
        stripe.status("in_6", "open");
        stripe.event("invoice.finalized", "in_6", at + 120);
    }

    @Test
    void aLineDeletedFromADraftBecomesVoidAtTheInvoicesNextEvent() throws Exception {
        aLineDeletedFromADraft(APRIL + 100);
        StripeMetrics metrics = StripeMetrics.unregistered();
        StripeFixtures.Driver run = driver(StripeSplit.initial(StripeSplit.Stream.EVENTS), metrics);
        run.drain();

        List<StripeRecord> deleted = of(run.emitted, StripeRecord.Kind.INVOICE_LINE).stream()
                .filter(r -> r.lineId.equals("il_6_b"))
                .toList();
        assertThat(deleted).extracting(r -> r.status).containsExactly("draft", "void");
        StripeRecord voided = deleted.get(1);
        assertThat(voided.updatedAt).isEqualTo((APRIL + 160) * 1000);
        assertThat(voided.accountId).isEqualTo("acct_1");
        assertThat(voided.meter).isEqualTo("storage_gb");
        assertThat(voided.periodStart).isEqualTo(MARCH * 1000);
        assertThat(voided.invoiceId).isEqualTo("in_6");
        assertThat(of(run.emitted, StripeRecord.Kind.INVOICE_LINE))
                .filteredOn(r -> r.lineId.equals("il_6_a"))
                .extracting(r -> r.status)
                .containsExactly("draft", "draft", "open");
        // The invoices of the set-up: none was changed as a draft, none gets a void record of its own.
        assertThat(of(run.emitted, StripeRecord.Kind.INVOICE_LINE))
                .filteredOn(r -> !r.invoiceId.equals("in_6"))
                .hasSize(32);
        assertThat(metrics.recordsMapped()).isEqualTo(32 + 5);
        assertThat(run.checkpoint().draftLines()).isEmpty();
    }

    @Test
    void aRestartBetweenADraftAndItsNextEventStillVoidsTheLineDeletedFromIt() throws Exception {
        aLineDeletedFromADraft(APRIL + 100);
        List<StripeRecord> all = restartedOnceEmitted(
                "il_6_b", checkpoint -> assertThat(checkpoint.draftLines().get("in_6"))
                        .extracting(r -> r.lineId)
                        .containsExactly("il_6_a", "il_6_b"));
        assertThat(all)
                .filteredOn(r -> "il_6_b".equals(r.lineId))
                .extracting(r -> r.status)
                .containsExactly("draft", "void");
    }

    /** What a checkpoint is checked for before the restart from it. */
    private interface CheckpointCheck {
        void check(StripeSplit checkpoint) throws Exception;
    }

    /**
     * Runs the events through once, and once more with a restart from the checkpoint taken as soon as
     * line {@code lineId} was emitted (what came after it is lost with the failed task): the records
     * emitted before that checkpoint and after the restart are exactly those of the run without one.
     */
    private List<StripeRecord> restartedOnceEmitted(String lineId, CheckpointCheck before) throws Exception {
        StripeFixtures.Driver reference =
                driver(StripeSplit.initial(StripeSplit.Stream.EVENTS), StripeMetrics.unregistered());
        reference.drain();
        StripeFixtures.Driver first =
                driver(StripeSplit.initial(StripeSplit.Stream.EVENTS), StripeMetrics.unregistered());
        while (first.emitted.stream().noneMatch(r -> lineId.equals(r.lineId))) {
            assertThat(first.emitOne()).isTrue();
        }
        StripeSplit checkpoint = first.checkpoint();
        before.check(checkpoint);

        StripeFixtures.Driver second = driver(checkpoint, StripeMetrics.unregistered());
        second.drain();
        List<StripeRecord> all = new ArrayList<>(first.emitted.subList(0, first.emittedAtCheckpoint));
        all.addAll(second.emitted);
        assertThat(all).containsExactlyElementsOf(reference.emitted);
        return all;
    }

    private static List<StripeRecord> of(List<StripeRecord> records, StripeRecord.Kind kind) {
        return records.stream().filter(r -> r.kind == kind).toList();
    }
}
