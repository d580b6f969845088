package io.reckon.jobs.testing;

import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the oracle's property draws beside {@link ArrivalScenario}'s records: contracts at random,
 * copies at times and with quantities the scenario never uses, and invoice lines fitted to the
 * reported usage priced without the escalator.
 */
public final class OracleInputs {

    private OracleInputs() {}

    /** One or two versions per account, with the scenario's anchor day (its invoice lines follow it). */
    public static List<OracleContract.Version> contracts(ArrivalScenario.Shape shape, Random r, Random money) {
        List<OracleContract.Version> out = new ArrayList<>();
        for (int a = 0; a < shape.accounts(); a++) {
            String account = "acct_" + a;
            int anchor = shape.anchor15() && a == 0 ? 15 : 1;
            if (a > 0 && r.nextInt(8) == 0) {
                continue; // an account without a contract: all its usage is unmapped
            }
            String first = r.nextInt(3) == 0
                    ? pick(r, "2026-02-10T00:00:00Z", "2026-03-01T00:00:00Z")
                    : "2026-01-01T00:00:00Z";
            String currency = money.nextInt(5) == 0 ? "eur" : "usd";
            out.add(version(account, 1, first, anchor, true, currency, r));
            if (shape.secondVersion()) {
                String from = pick(
                        r,
                        "2026-01-01T00:00:00Z",
                        "2026-02-10T00:00:00Z",
                        "2026-03-01T00:00:00Z",
                        "2026-03-15T00:00:00Z");
                int anchor2 = r.nextInt(4) == 0 ? pick(r, 1, 15, 28) : anchor;
                out.add(version(account, 2, from, anchor2, r.nextInt(4) != 0, currency, r));
            }
        }
        return out;
    }

    private static OracleContract.Version version(
            String account, int version, String from, int anchor, boolean storage, String currency, Random r) {
        Map<String, OracleContract.Terms> meters = new LinkedHashMap<>();
        // api_calls' summaries hold the sum of an hour's quantities: never a count meter's summaries.
        meters.put("api_calls", terms(r, "sum", "max"));
        if (storage) {
            meters.put("storage_gb", terms(r, "sum", "max", "count"));
        }
        // requests' summaries hold the number of an hour's events, as a count meter's do.
        meters.put("requests", terms(r, "count", "count", "sum"));
        String termEnd = pick(
                r,
                null,
                "2026-02-01T00:00:00Z",
                "2026-03-01T00:00:00Z",
                "2026-03-15T00:00:00Z",
                "2026-04-01T00:00:00Z");
        return new OracleContract.Version(
                account,
                version,
                Instant.parse(from).toEpochMilli(),
                anchor,
                termEnd == null ? null : Instant.parse(termEnd).toEpochMilli(),
                d(pick(r, "7", "2.5", "10", "0.1")),
                meters,
                currency);
    }

    /** A meter's terms, its aggregation one of {@code aggregations}. */
    private static OracleContract.Terms terms(Random r, String... aggregations) {
        String aggregation = pick(r, aggregations);
        String model = pick(r, "per_unit", "graduated", "volume", "package");
        OracleContract.Pricing pricing =
                switch (model) {
                    case "per_unit" ->
                        new OracleContract.Pricing(
                                model, d(pick(r, "0.5", "0.75", "0.000123456789", "150", "1.5")), null, null, null);
                    case "package" ->
                        new OracleContract.Pricing(
                                model,
                                null,
                                null,
                                d(pick(r, "7", "100", "1000")),
                                d(pick(r, "250", "99.5", "1234.000000000001")));
                    default -> {
                        BigDecimal first = d(pick(r, "10", "1000", "5000"));
                        yield new OracleContract.Pricing(
                                model,
                                null,
                                List.of(
                                        new OracleContract.Tier(
                                                first,
                                                d(pick(r, "0.5", "2", "0.333333333333")),
                                                d(pick(r, "0", "100"))),
                                        new OracleContract.Tier(
                                                first.multiply(BigDecimal.valueOf(4)),
                                                d(pick(r, "0.4", "1.25")),
                                                d(pick(r, "0", "2500"))),
                                        new OracleContract.Tier(
                                                null, d(pick(r, "0.25", "0.1")), d(pick(r, "0", "100")))),
                                null,
                                null);
                    }
                };
        return new OracleContract.Terms(
                aggregation,
                d(pick(r, "0", "100", "5000")),
                Long.parseLong(pick(r, "0", "0", "5000", "250000")),
                d(pick(r, "0", "0.5", "2", "5")),
                pricing);
    }

    /** Copies of about one usage or report id in twenty, at times and with quantities the scenario never uses. */
    public static List<MeterEvent> strayCopies(List<MeterEvent> records, long horizonMs, Random r) {
        List<MeterEvent> out = new ArrayList<>();
        for (MeterEvent e : records) {
            if (e.kind == MeterEvent.Kind.INVOICE_LINE || e.summary || r.nextInt(20) != 0) {
                continue;
            }
            MeterEvent c = ArrivalScenario.copy(e);
            switch (r.nextInt(3)) {
                case 0 -> {
                    c.eventTime -= 1_000L * (1 + r.nextInt(2 * 86_400));
                    c.quantity = e.quantity.add(BigDecimal.valueOf(1 + r.nextInt(50_000_000), 6));
                }
                case 1 -> c.eventTime += horizonMs;
                default -> c.eventTime += horizonMs + 1_000L * (1 + r.nextInt(86_400));
            }
            out.add(c);
        }
        return out;
    }

    /**
     * The records with a third of the periods' invoice lines replaced by one line of the reported usage
     * priced without the escalator, give or take two cents.
     */
    public static List<MeterEvent> fittedLines(List<MeterEvent> records, SpecOracle oracle, Random r) {
        List<MeterEvent> usage = records.stream()
                .filter(e -> e.kind != MeterEvent.Kind.INVOICE_LINE)
                .toList();
        List<MeterEvent> out = new ArrayList<>(records);
        for (SpecOracle.Period p : oracle.periods(usage)) {
            if (r.nextInt(3) != 0) {
                continue;
            }
            out.removeIf(e -> e.kind == MeterEvent.Kind.INVOICE_LINE
                    && e.accountId.equals(p.account())
                    && e.meter.equals(p.meter())
                    && e.periodStart == p.start());
            MeterEvent line = new MeterEvent();
            line.kind = MeterEvent.Kind.INVOICE_LINE;
            line.id = "fit-" + p.account() + "-" + p.meter() + "-" + p.start();
            line.invoiceId = "in-" + line.id;
            line.accountId = p.account();
            line.meter = p.meter();
            line.periodStart = p.start();
            line.periodEnd = p.end();
            line.eventTime = p.end();
            line.quantity = BigDecimal.ZERO;
            line.amountMinor = p.pricedReportedUnescalated() + r.nextInt(5) - 2;
            line.currency = p.currency(); // lower case, as decoding leaves every code
            line.status = "open";
            out.add(line);
        }
        return out;
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }
}
