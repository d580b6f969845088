package io.reckon.connectors.stripe.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.embedded.FakeStripeReads;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The summaries source against a Stripe stand-in: the hourly summaries of the open and the previous
 * billing period arrive once each as kind=summary reports with a stable report id, also across a
 * restart from a checkpoint taken mid-page; a later round emits only the summaries that changed.
 */
class StripeSummariesSourceTest {

    private static final long MARCH = Instant.parse("2026-03-01T00:00:00Z").getEpochSecond();
    private static final Instant NOW = Instant.parse("2026-04-05T10:30:00Z");

    private FakeStripeReads stripe;

    @BeforeEach
    void start() {
        stripe = FakeStripeReads.start();
        stripe.price("price_api", "mtr_api");
        // Before the window (February): never read.
        stripe.summary("mtr_api", "cus_1", MARCH - 3600, new BigDecimal("999"));
        for (int h = 0; h < 150; h++) {
            stripe.summary("mtr_api", "cus_1", MARCH + h * 3600L, h == 20 ? BigDecimal.ZERO : new BigDecimal(h + 1));
        }
    }

    @AfterEach
    void stop() {
        stripe.close();
    }

    private StripeFixtures.Driver driver(StripeSplit split, StripeMetrics metrics, Instant now) {
        StripeSourceSettings settings = StripeFixtures.settings(stripe.apiBase(), 7);
        StripeApi api = new StripeApi(settings, StripeFixtures.API_KEY, metrics);
        ContractLookup contracts = ContractLookup.fixed(List.of(StripeFixtures.contract("acct_1", "cus_1", 1)))
                .open();
        return new StripeFixtures.Driver(
                new SummariesSplitReader(api, contracts, settings, metrics, Clock.fixed(now, ZoneOffset.UTC)), split);
    }

    @Test
    void eachSummaryArrivesOnceAcrossARestartAndALaterRoundEmitsOnlyWhatChanged() throws Exception {
        StripeMetrics metrics = StripeMetrics.unregistered();
        stripe.rateLimitNext(2, 0);
        StripeFixtures.Driver first = driver(StripeSplit.initial(StripeSplit.Stream.SUMMARIES), metrics, NOW);
        for (int i = 0; i < 5; i++) {
            assertThat(first.emitOne()).isTrue();
        }
        StripeSplit checkpoint = first.checkpoint();
        first.emitOne(); // lost with the failed task
        first.emitOne();

        StripeFixtures.Driver second = driver(checkpoint, metrics, NOW);
        second.drain();
        List<StripeRecord> all = new ArrayList<>(first.emitted.subList(0, first.emittedAtCheckpoint));
        all.addAll(second.emitted);

        assertThat(all).hasSize(149).allSatisfy(r -> {
            assertThat(r.kind).isEqualTo(StripeRecord.Kind.REPORTED);
            assertThat(r.accountId).isEqualTo("acct_1");
            assertThat(r.meter).isEqualTo("api_calls");
            assertThat(r.updatedAt).isEqualTo(NOW.toEpochMilli());
        });
        assertThat(all.stream().map(r -> r.reportId).collect(Collectors.toSet()))
                .hasSize(149);
        StripeRecord hour5 = all.stream()
                .filter(r -> r.eventTime == (MARCH + 5 * 3600L) * 1000)
                .findFirst()
                .orElseThrow();
        assertThat(hour5.quantity).isEqualByComparingTo("6");
        assertThat(hour5.reportId).isEqualTo("stripe-summary:mtr_api:cus_1:" + (MARCH + 5 * 3600L));
        assertThat(all).noneMatch(r -> r.eventTime < MARCH * 1000);
        assertThat(metrics.rateLimitedCalls()).isEqualTo(2);

        // Late meter events grow hour 5, a new hour appears; the next round emits those two only.
        stripe.summary("mtr_api", "cus_1", MARCH + 5 * 3600L, new BigDecimal("6.5"));
        stripe.summary("mtr_api", "cus_1", MARCH + 200 * 3600L, new BigDecimal("3"));
        Instant later = NOW.plusSeconds(900);
        StripeFixtures.Driver third = driver(second.checkpoint(), metrics, later);
        third.drain();
        assertThat(third.emitted).hasSize(2);
        assertThat(third.emitted.get(0).reportId).isEqualTo(hour5.reportId);
        assertThat(third.emitted.get(0).quantity).isEqualByComparingTo("6.5");
        assertThat(third.emitted.get(0).updatedAt).isEqualTo(later.toEpochMilli());
        assertThat(stripe.stripeVersions()).containsOnly(StripeApi.API_VERSION);
    }

    @Test
    void aRoundHandsTheSummariesOfEveryCustomerOnInHourOrder() throws Exception {
        // cus_2 (anchor 1 as well) has usage in the hours between cus_1's.
        for (int h = 0; h < 150; h++) {
            stripe.summary("mtr_api", "cus_2", MARCH + h * 3600L + (h % 2 == 0 ? 0 : 3600), BigDecimal.ONE);
        }
        StripeSourceSettings settings = StripeFixtures.settings(stripe.apiBase(), 7);
        StripeMetrics metrics = StripeMetrics.unregistered();
        StripeApi api = new StripeApi(settings, StripeFixtures.API_KEY, metrics);
        ContractLookup contracts = ContractLookup.fixed(List.of(
                        StripeFixtures.contract("acct_1", "cus_1", 1), StripeFixtures.contract("acct_2", "cus_2", 1)))
                .open();
        StripeFixtures.Driver run = new StripeFixtures.Driver(
                new SummariesSplitReader(api, contracts, settings, metrics, Clock.fixed(NOW, ZoneOffset.UTC)),
                StripeSplit.initial(StripeSplit.Stream.SUMMARIES));
        run.drain();

        assertThat(run.emitted).extracting(r -> r.accountId).contains("acct_1", "acct_2");
        for (int i = 1; i < run.emitted.size(); i++) {
            assertThat(run.emitted.get(i).eventTime)
                    .as("record %d in hour order", i)
                    .isGreaterThanOrEqualTo(run.emitted.get(i - 1).eventTime);
        }
        // Pages of 7: cus_1's 150 hours (one of them zero) and cus_2's 76.
        assertThat(metrics.pagesFetched()).isEqualTo(22 + 11);
    }

    @Test
    void theWindowIsThePreviousAndTheOpenBillingPeriodOnHourBoundaries() {
        SummaryWindow w = SummaryWindow.of(15, Instant.parse("2026-04-05T10:30:00Z"));
        assertThat(w.start()).isEqualTo(Instant.parse("2026-02-15T00:00:00Z"));
        assertThat(w.end()).isEqualTo(Instant.parse("2026-04-05T11:00:00Z"));
        assertThat(SummaryWindow.of(1, Instant.parse("2026-04-01T00:00:00Z")).start())
                .isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(SummaryWindow.of(15, Instant.parse("2026-04-16T00:00:00Z"), 5)
                        .start())
                .isEqualTo(Instant.parse("2025-12-15T00:00:00Z"));
        assertThat(SummaryWindow.of(1, Instant.parse("2026-04-16T00:00:00Z"), 1).start())
                .isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    }

    @Test
    void backoffHonoursRetryAfterAndOtherwiseDoublesWithinTheCap() {
        RateLimitBackoff b = new RateLimitBackoff(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1), 5);
        for (int i = 0; i < 50; i++) {
            assertThat(b.delay(1, 3L).toMillis()).isBetween(3000L, 3750L);
            assertThat(b.delay(1, null).toMillis()).isBetween(100L, 125L);
            assertThat(b.delay(3, null).toMillis()).isBetween(400L, 500L);
            assertThat(b.delay(10, null).toMillis()).isEqualTo(1000L);
        }
        assertThat(RateLimitBackoff.parseRetryAfter(" 7 ")).isEqualTo(7L);
        assertThat(RateLimitBackoff.parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT"))
                .isNull();
    }
}
