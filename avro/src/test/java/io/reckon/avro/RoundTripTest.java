package io.reckon.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated classes keep exact decimals and millisecond instants through Avro binary. */
class RoundTripTest {

    @Test
    void usageKeepsItsExactQuantityAndTime() throws Exception {
        UsageEvent u = UsageEvent.newBuilder()
                .setEventId("e-1")
                .setAccountId("acct_1")
                .setMeter("api_calls")
                .setEventTime(Instant.parse("2026-03-01T10:00:00.123Z"))
                .setQuantity(new BigDecimal("1000000000000000.123456789"))
                .setAttributes(Map.of("region", "eu"))
                .build();
        UsageEvent back = UsageEvent.fromByteBuffer(u.toByteBuffer());
        assertThat(back).isEqualTo(u);
        assertThat(back.getQuantity()).isEqualTo(new BigDecimal("1000000000000000.123456789"));
    }

    @Test
    void contractWithOptionalPartsAbsentOrPresent() throws Exception {
        Contract c = Contract.newBuilder()
                .setAccountId("acct_1")
                .setVersion(2)
                .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setCurrency("usd")
                .setRenewal(Renewal.newBuilder()
                        .setTermEnd(Instant.parse("2026-07-01T00:00:00Z"))
                        .setEscalatorPct(new BigDecimal("7.000000000"))
                        .build())
                .setMeters(List.of(MeterTerms.newBuilder()
                        .setMeter("api_calls")
                        .setPricing(Pricing.newBuilder()
                                .setModel("graduated")
                                .setTiers(List.of(
                                        Tier.newBuilder()
                                                .setUpTo(new BigDecimal("10000.000000000"))
                                                .setUnitAmountDecimal(new BigDecimal("0.500000000000"))
                                                .build(),
                                        Tier.newBuilder()
                                                .setUpTo(null)
                                                .setUnitAmountDecimal(new BigDecimal("0.250000000000"))
                                                .build()))
                                .build())
                        .build()))
                .build();
        Contract back = roundTrip(c);
        // Field by field: the generated equals() cannot compare decimals inside nested unions.
        assertThat(back.getAccountId()).isEqualTo("acct_1");
        assertThat(back.getVersion()).isEqualTo(2);
        assertThat(back.getRenewal().getEscalatorPct()).isEqualTo(new BigDecimal("7.000000000"));
        assertThat(back.getMeters().get(0).getPricing().getTiers().get(0).getUpTo())
                .isEqualTo(new BigDecimal("10000.000000000"));
        assertThat(back.getMeters().get(0).getPricing().getTiers().get(1).getUnitAmountDecimal())
                .isEqualTo(new BigDecimal("0.250000000000"));
        assertThat(back.getBillingAnchorDay()).isNull();
        assertThat(back.getMeters().get(0).getPricing().getTiers().get(1).getUpTo())
                .isNull();
    }

    /**
     * Binary round trip with a model that converts decimals and timestamps wherever they occur. The
     * generated {@code toByteBuffer()} of a record only knows its own fields' conversions, not those
     * of nested records (tiers, renewal): encoders of this project always use such a full model.
     */
    private static Contract roundTrip(Contract c) throws Exception {
        org.apache.avro.specific.SpecificData model = new org.apache.avro.specific.SpecificData();
        model.addLogicalTypeConversion(new org.apache.avro.Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder enc =
                org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<Contract>(Contract.getClassSchema(), model).write(c, enc);
        enc.flush();
        org.apache.avro.io.BinaryDecoder dec =
                org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
        return new org.apache.avro.specific.SpecificDatumReader<Contract>(
                        Contract.getClassSchema(), Contract.getClassSchema(), model)
                .read(null, dec);
    }

    @Test
    void deadLetterKeepsItsRawBytes() throws Exception {
        byte[] raw = {0, 1, 2, (byte) 0xff};
        DeadLetter d = DeadLetter.newBuilder()
                .setSource("recon.usage")
                .setPartition(1)
                .setOffset(42L)
                .setRaw(ByteBuffer.wrap(raw))
                .setReason("wrong magic byte 0x01")
                .setDetectedAt(Instant.parse("2026-03-01T10:00:00Z"))
                .build();
        DeadLetter back = DeadLetter.fromByteBuffer(d.toByteBuffer());
        byte[] got = new byte[back.getRaw().remaining()];
        back.getRaw().get(got);
        assertThat(got).containsExactly(raw);
    }
}
