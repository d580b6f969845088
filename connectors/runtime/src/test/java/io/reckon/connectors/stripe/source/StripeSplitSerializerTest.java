package io.reckon.connectors.stripe.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StripeSplitSerializerTest {

    private static final long APRIL = 1_775_001_600L;

    private static StripeRecord draftLine(String invoiceId, String lineId, String quantity, long amount) {
        return StripeRecord.invoiceLine(
                invoiceId,
                lineId,
                "acct_1",
                "api_calls",
                (APRIL - 31 * 86_400) * 1000,
                APRIL * 1000,
                new BigDecimal(quantity),
                amount,
                "usd",
                "draft",
                APRIL * 1000 + 2);
    }

    @Test
    void theLinesOfDraftInvoicesSurviveACheckpointExactly() throws Exception {
        StripeSplit split = new StripeSplit(
                StripeSplit.Stream.EVENTS,
                "evt_9",
                APRIL,
                Map.of("in_1", 3),
                Map.of(),
                Map.of(
                        "in_1",
                        List.of(draftLine("in_1", "il_1", "12.500000001", 1250), draftLine("in_1", "il_2", "1", -300)),
                        "in_2",
                        List.of(draftLine("in_2", "il_3", "0", 0))));
        StripeSplitSerializer s = StripeSplitSerializer.INSTANCE;

        StripeSplit restored = s.deserialize(s.getVersion(), s.serialize(split));

        assertThat(restored.draftLines()).isEqualTo(split.draftLines());
        assertThat(restored.draftLines().get("in_1").get(0).quantity).isEqualTo(new BigDecimal("12.500000001"));
        assertThat(restored.invoiceEventsInLastSecond()).isEqualTo(Map.of("in_1", 3));
        assertThat(StripeSplitSerializer.Pending.INSTANCE
                        .deserialize(s.getVersion(), StripeSplitSerializer.Pending.INSTANCE.serialize(List.of(split)))
                        .get(0)
                        .draftLines())
                .isEqualTo(split.draftLines());
    }

    @Test
    void aSplitCheckpointedBeforeDraftLinesWereKeptRestoresWithNone() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            // Version 2: stream, last event, its created time, the event counts, then the summary marks.
            out.writeUTF("EVENTS");
            out.writeBoolean(true);
            out.writeUTF("evt_1");
            out.writeLong(APRIL);
            out.writeInt(1);
            out.writeUTF("in_1");
            out.writeInt(2);
            out.writeInt(0);
        }

        StripeSplit split = StripeSplitSerializer.INSTANCE.deserialize(2, bytes.toByteArray());

        assertThat(split.lastEventId()).isEqualTo("evt_1");
        assertThat(split.invoiceEventsInLastSecond()).isEqualTo(Map.of("in_1", 2));
        assertThat(split.draftLines()).isEmpty();
    }
}
