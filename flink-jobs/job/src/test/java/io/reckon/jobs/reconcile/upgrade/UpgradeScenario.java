package io.reckon.jobs.reconcile.upgrade;

import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.Contracts;
import io.reckon.jobs.testing.LineRecords;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fixed stream for the upgrade test: contracts, two months of usage and reports of four keys with
 * duplicates, a reporting gap, under- and over-reporting, invoice lines and late records, cut in two
 * at {@link #SNAPSHOT_AT}. The first part was run through the previous state layout and its snapshot
 * committed (see {@link WriteSnapshotOfPreviousLayout}); the upgrade test restores it into the
 * current code and feeds the rest.
 */
public final class UpgradeScenario {

    private static final long HOUR = 3_600_000L;

    /** One input step: a record, a contract or a watermark. */
    public sealed interface Step permits Record, Contract, Watermark {}

    public record Record(MeterEvent event) implements Step {}

    public record Contract(ContractEvent contract) implements Step {}

    public record Watermark(long time) implements Step {}

    /** Where the stream is cut: the watermark has passed March 16, 00:00 (February final, March open). */
    public static final Instant SNAPSHOT_AT = Instant.parse("2026-03-16T00:00:00Z");

    private UpgradeScenario() {}

    /** The steps before the snapshot. */
    public static List<Step> before() {
        return all().subList(0, cut());
    }

    /** The steps after it. */
    public static List<Step> after() {
        List<Step> all = all();
        return all.subList(cut(), all.size());
    }

    private static int cut() {
        List<Step> all = all();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) instanceof Watermark w && w.time() >= SNAPSHOT_AT.toEpochMilli()) {
                return i + 1;
            }
        }
        throw new IllegalStateException("the stream never reaches the snapshot time");
    }

    /** The whole stream, the same on every call. */
    public static List<Step> all() {
        Random random = new Random(20_260_301L);
        List<Step> steps = new ArrayList<>();
        steps.add(
                new Contract(
                        Contracts.event(
                                """
                {"account_id":"acct_a","version":1,"effective_from":"2026-01-01T00:00:00Z","currency":"usd",
                 "meters":[{"meter":"api_calls","included_quantity":"100","pricing":{"model":"per_unit","unit_amount_decimal":"2"}},
                           {"meter":"storage_gb","aggregation":"max","pricing":{"model":"per_unit","unit_amount_decimal":"150"}}]}
                """)));
        steps.add(
                new Contract(
                        Contracts.event(
                                """
                {"account_id":"acct_b","version":1,"effective_from":"2026-01-01T00:00:00Z","currency":"eur",
                 "meters":[{"meter":"api_calls","pricing":{"model":"graduated","tiers":[
                    {"up_to":"500","unit_amount_decimal":"1","flat_amount_minor":0},
                    {"up_to":null,"unit_amount_decimal":"0.5","flat_amount_minor":100}]}}]}
                """)));
        long start = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
        long end = Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();
        List<MeterEvent> sent = new ArrayList<>();
        int n = 0;
        for (long hour = start; hour < end; hour += HOUR) {
            for (String[] key : new String[][] {
                {"acct_a", "api_calls"}, {"acct_a", "storage_gb"}, {"acct_b", "api_calls"}, {"acct_c", "api_calls"}
            }) {
                long t = hour + random.nextInt(3_600) * 1_000L;
                BigDecimal q = BigDecimal.valueOf(1 + random.nextInt(20));
                MeterEvent u = MeterEvent.usage("u" + n, key[0], key[1], t, q);
                steps.add(new Record(u));
                sent.add(u);
                boolean gap = key[0].equals("acct_b")
                        && hour >= Instant.parse("2026-03-14T06:00:00Z").toEpochMilli()
                        && hour < Instant.parse("2026-03-17T00:00:00Z").toEpochMilli();
                boolean shortReport = key[0].equals("acct_a") && key[1].equals("api_calls") && random.nextInt(10) == 0;
                if (!gap) {
                    BigDecimal r = shortReport ? q.subtract(BigDecimal.ONE) : q;
                    steps.add(new Record(MeterEvent.reported("r" + n, key[0], key[1], t + 60_000L, r)));
                }
                if (random.nextInt(25) == 0) {
                    MeterEvent copy = sent.get(sent.size() - 1 - random.nextInt(Math.min(sent.size(), 30)));
                    steps.add(new Record(
                            MeterEvent.usage(copy.id, copy.accountId, copy.meter, copy.eventTime, copy.quantity)));
                }
                n++;
            }
            if (hour == Instant.parse("2026-03-03T00:00:00Z").toEpochMilli()) {
                steps.add(new Record(line("il_feb_a", "acct_a", "api_calls", "2026-02-01T00:00:00Z", 1_000, "usd")));
                steps.add(new Record(line("il_feb_b", "acct_b", "api_calls", "2026-02-01T00:00:00Z", 40_000, "eur")));
            }
            if (hour == Instant.parse("2026-03-20T00:00:00Z").toEpochMilli()) {
                // A late usage record for February, after its period is final.
                steps.add(new Record(MeterEvent.usage(
                        "late-1",
                        "acct_a",
                        "api_calls",
                        Instant.parse("2026-02-20T10:00:00Z").toEpochMilli(),
                        BigDecimal.valueOf(500))));
            }
            steps.add(new Watermark(hour + HOUR - 1));
        }
        steps.add(new Record(line("il_mar_a", "acct_a", "api_calls", "2026-03-01T00:00:00Z", 250_000, "usd")));
        steps.add(new Watermark(Long.MAX_VALUE));
        return steps;
    }

    /** Feeds {@code steps} into a harness of the reconcile operator. */
    public static void feed(
            org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness<
                            String, MeterEvent, ContractEvent, io.reckon.jobs.records.AnomalyRecord>
                    h,
            List<Step> steps)
            throws Exception {
        for (Step s : steps) {
            if (s instanceof Record r) {
                h.processElement(r.event(), r.event().eventTime);
            } else if (s instanceof Contract c) {
                h.processBroadcastElement(c.contract(), 0);
            } else if (s instanceof Watermark w) {
                h.watermark(w.time());
            }
        }
    }

    public static MeterEvent line(
            String id, String account, String meter, String periodStart, long amount, String currency) {
        Instant s = Instant.parse(periodStart);
        long end = s.atZone(java.time.ZoneOffset.UTC).plusMonths(1).toInstant().toEpochMilli();
        return LineRecords.line(id, account, meter, s.toEpochMilli(), end, amount, currency, "paid");
    }
}
