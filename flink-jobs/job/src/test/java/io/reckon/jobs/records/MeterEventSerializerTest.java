package io.reckon.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link MeterEventSerializer}: Flink's serializer contract ({@link SerializerTestBase}: copies, reuse,
 * sequences, snapshots, duplicates) on every kind, null and edge values, exact decimals of any scale,
 * and its size.
 */
class MeterEventSerializerTest extends SerializerTestBase<MeterEvent> {

    @Override
    protected TypeSerializer<MeterEvent> createSerializer() {
        return new MeterEventSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<MeterEvent> getTypeClass() {
        return MeterEvent.class;
    }

    @Override
    protected MeterEvent[] getTestData() {
        List<MeterEvent> cases = new ArrayList<>();
        cases.add(new MeterEvent());
        cases.add(MeterEvent.usage("e-1", "acct_1", "api_calls", 1_772_000_000_000L, new BigDecimal("12.5")));
        cases.add(MeterEvent.reported("r-1", "acct_1", "api_calls", -1L, new BigDecimal("12.500000000")));
        cases.add(MeterEvent.usage("é-ü-漢字", "acct", "m", Long.MAX_VALUE, new BigDecimal("1E+3")));
        cases.add(MeterEvent.usage("", "", "", Long.MIN_VALUE, BigDecimal.ZERO));
        cases.add(MeterEvent.usage("big", "a", "m", 0L, new BigDecimal(BigInteger.TEN.pow(40), 12)));
        cases.add(MeterEvent.usage("neg", "a", "m", 0L, new BigDecimal("-0.000000001")));
        cases.add(MeterEvent.usage(null, null, null, 0L, null));
        MeterEvent line = new MeterEvent();
        line.kind = MeterEvent.Kind.INVOICE_LINE;
        line.id = "li_1";
        line.invoiceId = "in_1";
        line.accountId = "acct_1";
        line.meter = "api_calls";
        line.periodStart = 1_772_323_200_000L;
        line.periodEnd = 1_775_001_600_000L;
        line.eventTime = line.periodEnd;
        line.quantity = BigDecimal.ZERO;
        line.amountMinor = -42L;
        line.currency = "usd";
        line.status = "paid";
        line.updatedAt = 1_775_100_000_000L;
        cases.add(line);
        MeterEvent summary =
                MeterEvent.reported("mes_1", "acct_1", "api_calls", 1_772_000_000_000L, new BigDecimal("3"));
        summary.summary = true;
        summary.updatedAt = 0L;
        cases.add(summary);
        MeterEvent extremes = new MeterEvent();
        extremes.kind = MeterEvent.Kind.INVOICE_LINE;
        extremes.periodStart = Long.MIN_VALUE;
        extremes.periodEnd = Long.MAX_VALUE;
        extremes.amountMinor = Long.MIN_VALUE;
        cases.add(extremes);
        return cases.toArray(new MeterEvent[0]);
    }

    @Test
    void aUsageRecordTakesOneByteForEachEmptyInvoiceField() throws Exception {
        MeterEvent e = MeterEvent.usage(
                "evt-000123456", "acct_0042", "api_calls", 1_772_000_000_000L, new BigDecimal("12.500000000"));
        DataOutputSerializer out = new DataOutputSerializer(128);
        MeterEventSerializer.INSTANCE.serialize(e, out);
        // kind 1, strings 14 + 10 + 10 (length and ASCII chars), time 8, quantity 6 (header, 5-byte
        // varint), three absent strings and three zero longs of the invoice fields 1 byte each, and
        // the flags (no summary, no updated_at) 1 byte.
        assertThat(out.length()).isEqualTo(1 + 14 + 10 + 10 + 8 + 6 + 3 + 3 + 1);
    }
}
