package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.MeterEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link InvoiceLineOwners} in front of each key's {@link InvoiceLines}: whatever the order in which the
 * records of one line arrive, and whichever of the account's meters each names, the line ends in the key
 * of its latest record alone, as that record, and every other record is counted once as a duplicate.
 */
class InvoiceLineOwnersTest {

    private static final ReconSettings SETTINGS = ReconSettings.from(new Configuration());
    private static final String[] KEYS = {"acct_1/api_calls", "acct_1/tokens", "acct_1/storage"};

    @Test
    void aCorrectionThatNamesAnotherMeterTakesTheLineAwayFromTheFirst() throws Exception {
        Downstream d = run(List.of(
                line("il_1", "acct_1/api_calls", "2026-04-02T00:00:00Z", 100),
                line("il_1", "acct_1/tokens", "2026-04-02T01:00:00Z", 100)));
        assertThat(d.holders("il_1")).containsExactly("acct_1/tokens");
        assertThat(d.duplicates).isEqualTo(1);

        Downstream reversed = run(List.of(
                line("il_1", "acct_1/tokens", "2026-04-02T01:00:00Z", 100),
                line("il_1", "acct_1/api_calls", "2026-04-02T00:00:00Z", 100)));
        assertThat(reversed.holders("il_1")).containsExactly("acct_1/tokens");
        assertThat(reversed.duplicates).isEqualTo(1);
    }

    @Test
    void theSameLineIdUnderTwoAccountsIsTwoLines() throws Exception {
        Downstream d = run(List.of(
                line("il_1", "acct_1/api_calls", "2026-04-02T00:00:00Z", 100),
                line("il_1", "acct_2/api_calls", "2026-04-02T01:00:00Z", 200)));
        assertThat(d.holders("il_1")).containsExactlyInAnyOrder("acct_1/api_calls", "acct_2/api_calls");
        assertThat(d.duplicates).isZero();
    }

    @Test
    void withoutUpdatedAtTheLaterArrivalStandsWhereverItIs() throws Exception {
        Downstream d = run(List.of(
                line("il_1", "acct_1/api_calls", null, 100),
                line("il_1", "acct_1/tokens", null, 200),
                line("il_1", "acct_1/api_calls", null, 300)));
        assertThat(d.holders("il_1")).containsExactly("acct_1/api_calls");
        assertThat(d.line("acct_1/api_calls", "il_1").amountMinor).isEqualTo(300);
        assertThat(d.duplicates).isEqualTo(2);
    }

    @Property(tries = 300)
    void anyOrderOfALinesRecordsEndsWithTheLatestInItsKeyAlone(
            @ForAll @IntRange(min = 1, max = 6) int records, @ForAll long seed) throws Exception {
        Random r = new Random(seed);
        List<MeterEvent> versions = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            // Few distinct times and amounts, so that ties of updated_at and of content occur.
            String updatedAt = "2026-04-0" + (1 + r.nextInt(3)) + "T00:00:00Z";
            versions.add(line("il_1", KEYS[r.nextInt(KEYS.length)], updatedAt, 100 * (1 + r.nextInt(2))));
        }
        MeterEvent latest = versions.stream().max(LATEST).orElseThrow();
        for (int shuffle = 0; shuffle < 4; shuffle++) {
            List<MeterEvent> order = new ArrayList<>(versions);
            Collections.shuffle(order, r);
            Downstream d = run(order);
            assertThat(d.holders("il_1")).containsExactly(key(latest));
            InvoiceLineState standing = d.line(key(latest), "il_1");
            assertThat(standing.amountMinor).isEqualTo(latest.amountMinor);
            assertThat(standing.updatedAt).isEqualTo(latest.updatedAt);
            assertThat(d.duplicates).isEqualTo(records - 1);
        }
    }

    @Test
    void theStandingRecordIsForgottenOnceItsPeriodIsReleasedDownstream() throws Exception {
        MeterEvent e = line("il_1", "acct_1/api_calls", "2026-04-02T00:00:00Z", 100);
        long forgetAt = new InvoiceLineOwners(SETTINGS).forgetAt(InvoiceLineState.of(e));
        // The period holding 2026-03-01 ends by 2026-04-02 at the latest; then the grace and the retention.
        assertThat(Instant.ofEpochMilli(forgetAt))
                .isAfterOrEqualTo(Instant.parse("2026-04-01T00:00:00Z")
                        .plusMillis(SETTINGS.invoiceGraceMs() + SETTINGS.stateRetentionMs()));
        try (var h = harness()) {
            h.processElement(e, e.eventTime);
            h.processWatermark(forgetAt - 1);
            MeterEvent other = line("il_1", "acct_1/tokens", "2026-04-01T00:00:00Z", 100);
            h.processElement(other, other.eventTime);
            // Still known: the earlier record under another key is told to drop the line.
            assertThat(h.extractOutputValues()).last().satisfies(m -> assertThat(m.status)
                    .isEqualTo(MeterEvent.LINE_ELSEWHERE));
            h.processWatermark(forgetAt);
            h.processElement(other, other.eventTime);
            // Forgotten: the record goes on to its key, whose period has been released.
            assertThat(h.extractOutputValues()).last().isEqualTo(other);
        }
    }

    @Test
    void aStandingLineIsAboutAHundredAndTwentyBytesOfState() throws Exception {
        MeterEvent e = line("il_1", "acct_0001234/api_calls", "2026-04-02T00:00:00Z", 123_456);
        e.invoiceId = "in_1QdXyZ2eZvKYlo2C8x9aBcDe"; // a Stripe invoice id: 27 characters
        var serializer = org.apache.flink.api.common.typeinfo.TypeInformation.of(LineOwner.class)
                .createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());
        var out = new org.apache.flink.core.memory.DataOutputSerializer(256);
        serializer.serialize(LineOwner.of(e), out);
        System.out.println("a standing invoice line in state: " + out.length() + " bytes");
        assertThat(out.length()).isBetween(100, 140);
    }

    /** The order in which records of one line replace each other, across keys. */
    private static final Comparator<MeterEvent> LATEST = (a, b) -> {
        LineOwner x = LineOwner.of(a);
        LineOwner y = LineOwner.of(b);
        return InvoiceLineOwners.replaces(x, y) ? 1 : InvoiceLineOwners.replaces(y, x) ? -1 : 0;
    };

    /** Each key's lines, kept by the production {@link InvoiceLines}, as the reconciling operator keeps them. */
    private static final class Downstream {
        final Map<String, InvoiceLines> byKey = new HashMap<>();
        long duplicates;

        void accept(MeterEvent e) throws Exception {
            String key = key(e);
            InvoiceLines l = byKey.computeIfAbsent(key, k -> new InvoiceLines(new InMemoryState.OfMap<>()));
            if (MeterEvent.LINE_ELSEWHERE.equals(e.status)) {
                duplicates++;
                l.remove(e.id);
                return;
            }
            InvoiceLines.Stored stored = l.store(e);
            if (!stored.stored() || stored.previous() != null) {
                duplicates++;
            }
        }

        InvoiceLineState line(String key, String lineId) throws Exception {
            return byKey.get(key).get(lineId);
        }

        List<String> holders(String lineId) throws Exception {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, InvoiceLines> k : byKey.entrySet()) {
                if (k.getValue().get(lineId) != null) {
                    out.add(k.getKey());
                }
            }
            return out;
        }
    }

    private static Downstream run(List<MeterEvent> order) throws Exception {
        Downstream d = new Downstream();
        try (var h = harness()) {
            for (MeterEvent e : order) {
                h.processElement(e, e.eventTime);
            }
            for (MeterEvent out : h.extractOutputValues()) {
                d.accept(out);
            }
        }
        return d;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MeterEvent, MeterEvent> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new InvoiceLineOwners(SETTINGS)), InvoiceLineOwners::lineKey, Types.STRING);
        h.open();
        return h;
    }

    private static String key(MeterEvent e) {
        return e.accountId + "/" + e.meter;
    }

    private static MeterEvent line(String lineId, String key, String updatedAt, long amountMinor) {
        String[] k = key.split("/");
        MeterEvent e = new MeterEvent();
        e.kind = MeterEvent.Kind.INVOICE_LINE;
        e.id = lineId;
        e.accountId = k[0];
        e.meter = k[1];
        e.invoiceId = "in_1";
        e.periodStart = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
        e.periodEnd = Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();
        e.eventTime = e.periodEnd;
        e.amountMinor = amountMinor;
        e.currency = "usd";
        e.status = "open";
        e.updatedAt = updatedAt == null
                ? MeterEvent.NO_UPDATED_AT
                : Instant.parse(updatedAt).toEpochMilli();
        return e;
    }
}
