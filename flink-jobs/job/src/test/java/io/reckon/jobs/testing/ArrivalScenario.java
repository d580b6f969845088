package io.reckon.jobs.testing;

import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated inputs for arrival-order tests, written without looking at how the job works: two months
 * of usage of a few keys (business-hours or round-the-clock rhythms), reports that match, fall short,
 * stop for a stretch or come as hourly summaries revised later, exact and shifted copies of records
 * (some with another quantity), invoice lines corrected by later records, voided, credited or
 * missing, and one or two contract versions per account (a price change, an anchor day of 1 or 15),
 * plus usage of a meter no contract lists. A third meter is aggregated by {@code count}: its hourly
 * summaries hold the number of the hour's events. The same seed and shape give the same records.
 */
public final class ArrivalScenario {

    private static final long HOUR = 3_600_000L;
    private static final Instant FROM = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-04-01T00:00:00Z");

    /** The knobs a property test varies. */
    public record Shape(
            int accounts,
            boolean secondVersion,
            boolean anchor15,
            boolean graduated,
            int copiesPercent,
            boolean summaries,
            boolean gap,
            boolean spike,
            boolean invoiceCorrections) {}

    /** Contracts and records; invoice lines have their period end as event time, as the job gives them. */
    public record Input(List<ContractEvent> contracts, List<MeterEvent> records) {}

    private ArrivalScenario() {}

    public static Input generate(long seed, Shape shape) {
        Random r = new Random(seed);
        List<ContractEvent> contracts = new ArrayList<>();
        List<MeterEvent> records = new ArrayList<>();
        for (int a = 0; a < shape.accounts(); a++) {
            String account = "acct_" + a;
            int anchor = shape.anchor15() && a == 0 ? 15 : 1;
            contracts.add(contract(account, 1, "2026-01-01T00:00:00Z", anchor, shape.graduated(), "0.5"));
            if (shape.secondVersion()) {
                contracts.add(contract(account, 2, "2026-03-01T00:00:00Z", anchor, shape.graduated(), "0.75"));
            }
            roundTheClock(r, records, account, "api_calls", shape, a == 0);
            businessHours(r, records, account, "storage_gb", shape);
            countedRequests(new Random(seed * 31 + a), records, account, "requests", shape, a == 0);
            records.add(usage("unlisted-" + a, account, "not_in_contract", FROM.plusSeconds(86_400 * 3), q("5")));
            // A line billing that meter, and its correction an hour later: one unmapped invoice line.
            ZonedDateTime from = FROM.atZone(java.time.ZoneOffset.UTC);
            long updated = FROM.plusSeconds(86_400 * 30).toEpochMilli();
            for (String status : List.of("open", "paid")) {
                records.add(line(
                        "unlisted-line-" + a,
                        account,
                        "not_in_contract",
                        from,
                        from.plusMonths(1),
                        500,
                        status,
                        updated));
                updated += HOUR;
            }
            invoices(r, records, account, "api_calls", anchor, shape);
        }
        copies(r, records, shape.copiesPercent());
        return new Input(contracts, records);
    }

    /** Usage every hour; reports short now and then, a stretch without reports, or hourly summaries. */
    private static void roundTheClock(
            Random r, List<MeterEvent> out, String account, String meter, Shape shape, boolean first) {
        long gapFrom = Instant.parse("2026-03-10T06:00:00Z").toEpochMilli() + r.nextInt(48) * HOUR;
        long spikeAt = Instant.parse("2026-03-12T00:00:00Z").toEpochMilli() + r.nextInt(240) * HOUR;
        int n = 0;
        for (long h = FROM.toEpochMilli(); h < TO.toEpochMilli(); h += HOUR) {
            long t = h + r.nextInt(3_500) * 1_000L;
            BigDecimal quantity = BigDecimal.valueOf(10 + r.nextInt(30));
            if (shape.spike() && (h == spikeAt || h == spikeAt + HOUR)) {
                quantity = quantity.multiply(BigDecimal.TEN);
            }
            boolean silent = shape.gap() && first && h >= gapFrom && h < gapFrom + 12 * HOUR;
            if (silent && h == gapFrom + 11 * HOUR && gapFrom / HOUR % 2 == 0) {
                // The gap's last hour holds usage of nothing: delivered late, it moves the gap's end
                // without changing its figures.
                quantity = BigDecimal.ZERO;
            }
            String id = account + "-" + meter + "-u" + n++;
            out.add(usage(id, account, meter, t, scaled(r, quantity)));
            if (silent) {
                continue;
            }
            BigDecimal reported = r.nextInt(12) == 0 ? quantity.subtract(BigDecimal.ONE) : quantity;
            if (shape.summaries() && !first) {
                // The billing system's own hourly figure, first seen short and revised later.
                String sid = "sum-" + account + "-" + meter + "-" + h;
                out.add(summary(
                        sid,
                        account,
                        meter,
                        h,
                        reported.subtract(BigDecimal.ONE).max(BigDecimal.ZERO),
                        h + HOUR));
                out.add(summary(sid, account, meter, h, reported, h + 2 * HOUR));
            } else {
                out.add(reported("r-" + id, account, meter, t + 60_000L, scaled(r, reported)));
            }
        }
    }

    /** Usage on working hours only; reports match. */
    private static void businessHours(Random r, List<MeterEvent> out, String account, String meter, Shape shape) {
        int n = 0;
        for (long day = FROM.toEpochMilli(); day < TO.toEpochMilli(); day += 24 * HOUR) {
            for (int hour = 9; hour < 15; hour++) {
                long t = day + hour * HOUR + r.nextInt(3_000) * 1_000L;
                BigDecimal quantity = BigDecimal.valueOf(1 + r.nextInt(5));
                String id = account + "-" + meter + "-u" + n++;
                out.add(usage(id, account, meter, t, quantity));
                out.add(reported("r-" + id, account, meter, t + 30_000L, quantity));
            }
        }
    }

    /**
     * One to three events in each working hour of a meter aggregated by {@code count}, reported one
     * report per event with now and then one missing, or (with summaries, but for the first account) as
     * the hour's count, now and then one short, first seen one shorter still and revised later.
     */
    private static void countedRequests(
            Random r, List<MeterEvent> out, String account, String meter, Shape shape, boolean first) {
        int n = 0;
        for (long day = FROM.toEpochMilli(); day < TO.toEpochMilli(); day += 24 * HOUR) {
            for (int hour = 9; hour < 15; hour++) {
                long h = day + hour * HOUR;
                int events = 1 + r.nextInt(3);
                int reported = 0;
                for (int k = 0; k < events; k++) {
                    String id = account + "-" + meter + "-u" + n++;
                    long t = h + r.nextInt(3_000) * 1_000L;
                    out.add(usage(id, account, meter, t, BigDecimal.valueOf(1 + r.nextInt(4))));
                    if (r.nextInt(10) != 0) {
                        reported++;
                        if (!shape.summaries() || first) {
                            out.add(reported("r-" + id, account, meter, t + 30_000L, BigDecimal.ONE));
                        }
                    }
                }
                if (shape.summaries() && !first) {
                    String sid = "sum-" + account + "-" + meter + "-" + h;
                    BigDecimal count = BigDecimal.valueOf(reported);
                    out.add(summary(
                            sid,
                            account,
                            meter,
                            h,
                            count.subtract(BigDecimal.ONE).max(BigDecimal.ZERO),
                            h + HOUR));
                    out.add(summary(sid, account, meter, h, scaled(r, count), h + 2 * HOUR));
                }
            }
        }
    }

    /** One line per period of the meter: exact, short, over, missing, corrected, voided or credited. */
    private static void invoices(
            Random r, List<MeterEvent> out, String account, String meter, int anchor, Shape shape) {
        ZonedDateTime start = ZonedDateTime.of(2026, 1, anchor, 0, 0, 0, 0, ZoneOffset.UTC);
        for (int p = 0; p < 4; p++) {
            ZonedDateTime s = start.plusMonths(p);
            ZonedDateTime e = s.plusMonths(1);
            if (e.toInstant().isAfter(TO.plusSeconds(40L * 86_400))
                    || !e.toInstant().isAfter(FROM)) {
                continue;
            }
            int kind = r.nextInt(5);
            if (kind == 0) {
                continue; // never billed
            }
            String id = "il-" + account + "-" + p;
            long amount = 30_000 + r.nextInt(20_000);
            long updated = e.toInstant().toEpochMilli() + HOUR;
            out.add(line(
                    id,
                    account,
                    meter,
                    s,
                    e,
                    amount,
                    "open",
                    shape.invoiceCorrections() ? updated : MeterEvent.NO_UPDATED_AT));
            if (shape.invoiceCorrections()) {
                out.add(line(id, account, meter, s, e, amount + 500 - r.nextInt(1_000), "paid", updated + HOUR));
                if (kind == 1) {
                    out.add(line(id + "-void", account, meter, s, e, 9_999, "void", updated));
                }
                if (kind == 2) {
                    out.add(line(id + "-credit", account, meter, s, e, -1_250, "paid", updated));
                }
            }
        }
    }

    /** Copies of records: exact, a few minutes apart, or with another quantity. */
    private static void copies(Random r, List<MeterEvent> records, int percent) {
        List<MeterEvent> copies = new ArrayList<>();
        for (MeterEvent e : records) {
            if (e.kind == MeterEvent.Kind.INVOICE_LINE || e.summary || r.nextInt(100) >= percent) {
                continue;
            }
            MeterEvent c = copy(e);
            int how = r.nextInt(4);
            if (how == 1) {
                c.eventTime += r.nextInt(600) * 1_000L;
            } else if (how == 2) {
                c.quantity = c.quantity.add(BigDecimal.ONE);
            } else if (how == 3) {
                c.quantity = c.quantity.setScale(c.quantity.scale() + 2);
            }
            copies.add(c);
        }
        records.addAll(copies);
    }

    private static BigDecimal scaled(Random r, BigDecimal q) {
        return switch (r.nextInt(3)) {
            case 0 -> q;
            case 1 -> q.setScale(2);
            default -> q.setScale(9);
        };
    }

    private static BigDecimal q(String s) {
        return new BigDecimal(s);
    }

    private static MeterEvent usage(String id, String account, String meter, long t, BigDecimal q) {
        return MeterEvent.usage(id, account, meter, t, q);
    }

    private static MeterEvent usage(String id, String account, String meter, Instant t, BigDecimal q) {
        return usage(id, account, meter, t.toEpochMilli(), q);
    }

    private static MeterEvent reported(String id, String account, String meter, long t, BigDecimal q) {
        return MeterEvent.reported(id, account, meter, t, q);
    }

    private static MeterEvent summary(
            String id, String account, String meter, long hour, BigDecimal q, long updatedAt) {
        MeterEvent e = MeterEvent.reported(id, account, meter, hour, q);
        e.summary = true;
        e.updatedAt = updatedAt;
        return e;
    }

    private static MeterEvent line(
            String id,
            String account,
            String meter,
            ZonedDateTime s,
            ZonedDateTime e,
            long amount,
            String status,
            long updatedAt) {
        MeterEvent l = LineRecords.line(
                id, account, meter, s.toInstant().toEpochMilli(), e.toInstant().toEpochMilli(), amount, "usd", status);
        l.invoiceId = "in-" + id;
        l.updatedAt = updatedAt;
        return l;
    }

    public static MeterEvent copy(MeterEvent e) {
        MeterEvent c = new MeterEvent();
        c.kind = e.kind;
        c.id = e.id;
        c.accountId = e.accountId;
        c.meter = e.meter;
        c.eventTime = e.eventTime;
        c.quantity = e.quantity;
        c.invoiceId = e.invoiceId;
        c.periodStart = e.periodStart;
        c.periodEnd = e.periodEnd;
        c.amountMinor = e.amountMinor;
        c.currency = e.currency;
        c.status = e.status;
        c.updatedAt = e.updatedAt;
        c.summary = e.summary;
        return c;
    }

    private static ContractEvent contract(
            String account, int version, String from, int anchor, boolean graduated, String unit) {
        String pricing = graduated
                ? "{\"model\":\"graduated\",\"tiers\":[{\"up_to\":\"5000\",\"unit_amount_decimal\":\"" + unit
                        + "\",\"flat_amount_minor\":0},{\"up_to\":null,\"unit_amount_decimal\":\"0.25\",\"flat_amount_minor\":100}]}"
                : "{\"model\":\"per_unit\",\"unit_amount_decimal\":\"" + unit + "\"}";
        return Contracts.event(
                """
                {"account_id":"%s","version":%d,"effective_from":"%s","currency":"usd","billing_anchor_day":%d,
                 "meters":[{"meter":"api_calls","included_quantity":"100","pricing":%s},
                           {"meter":"storage_gb","aggregation":"max","pricing":{"model":"per_unit","unit_amount_decimal":"150"}},
                           {"meter":"requests","aggregation":"count","pricing":{"model":"per_unit","unit_amount_decimal":"2"}}]}
                """
                        .formatted(account, version, from, anchor, pricing));
    }
}
