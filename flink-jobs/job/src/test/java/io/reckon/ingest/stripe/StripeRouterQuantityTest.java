package io.reckon.ingest.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.stripe.source.StripeRecord;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever quantity Stripe sends, the router either dead-letters it with a reason or sends on a record
 * that the Kafka sink can encode: a record the sink could not encode would fail the job at every
 * restart. Quantities of up to 60 digits at any scale, including exponents no decimal of the input
 * contracts comes near (1E+999999999), each judged within a second.
 */
class StripeRouterQuantityTest {

    private static final ConfluentAvroCodec CODEC =
            ConfluentAvroCodec.forUrl("mock://stripe-router-" + UUID.randomUUID());

    @Property(tries = 2_000)
    void aQuantityIsDeadLetteredWithItsReasonOrEncodesExactly(@ForAll("quantities") BigDecimal quantity)
            throws Exception {
        String unfit = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> StripeRouter.unfitQuantity(quantity));
        if (unfit != null) {
            assertThat(unfit).startsWith("quantity ");
            return;
        }
        StripeRecord line = StripeRecord.invoiceLine(
                "in_1", "il_1", "acct_1", "api_calls", 0L, 3_600_000L, quantity, 100L, "usd", "open", 1L);
        StripeRecord summary = StripeRecord.summary("r", "acct_1", "api_calls", 0L, quantity, 1L);
        InvoiceLine encodedLine = CODEC.decode(
                CODEC.encode(ConfluentAvroCodec.valueSubject(Topics.INVOICES), StripeIngestRecords.invoiceLine(line)),
                InvoiceLine.class);
        ReportedUsage encodedSummary = CODEC.decode(
                CODEC.encode(ConfluentAvroCodec.valueSubject(Topics.REPORTED), StripeIngestRecords.reported(summary)),
                ReportedUsage.class);
        assertThat(encodedLine.getQuantity()).isEqualByComparingTo(quantity);
        assertThat(encodedSummary.getQuantity()).isEqualByComparingTo(quantity);
    }

    @Provide
    Arbitrary<BigDecimal> quantities() {
        Arbitrary<BigInteger> unscaled =
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(60).map(BigInteger::new);
        Arbitrary<Integer> scales = Arbitraries.oneOf(
                Arbitraries.integers().between(-40, 40),
                Arbitraries.of(-999_999_999, 999_999_999, Integer.MIN_VALUE + 1, Integer.MAX_VALUE));
        return Combinators.combine(unscaled, scales).as(BigDecimal::new);
    }
}
