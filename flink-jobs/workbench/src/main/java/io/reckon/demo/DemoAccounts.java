package io.reckon.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The accounts of the workload and their contracts: each account's currency, billing anchor,
 * usage profile and time zone, and its contract versions (every pricing model, renewals with
 * escalators, upgrades, minimums, tolerances), with the Stripe ids the billing side uses.
 */
final class DemoAccounts extends WorkloadDraft {

    private static final String[] MODELS = {"per_unit", "graduated", "volume", "package"};

    private record MeterSpec(
            String meter, Kind kind, String model, BigDecimal included, Long minimum, String tolerance) {}

    DemoAccounts(WorkloadDraft draft) {
        super(draft);
    }

    Profile profile(int index) {
        String currency = rng.nextInt(100) < 70 ? "usd" : "eur";
        int anchor = rng.nextInt(100) < 85 ? 1 : 15;
        ZoneOffset zone = currency.equals("usd") ? ZoneOffset.ofHours(-5) : ZoneOffset.ofHours(1);
        double callRate = clamp(logNormal(0.2, 1.0), 0.02, 5);
        double callBatch = clamp(logNormal(300, 0.8), 5, 20_000);
        double storageBase = clamp(logNormal(150, 1.0), 1, 20_000);
        double storageGrowth = 0.02 + 0.2 * rng.nextDouble();
        int storageEvery = 6 + rng.nextInt(7);
        int seats = (int) Math.max(1, Math.round(logNormal(4, 0.8)));
        return new Profile(
                index,
                String.format("acct_%04d", index),
                currency,
                anchor,
                zone,
                callRate,
                callBatch,
                storageBase,
                storageGrowth,
                storageEvery,
                seats);
    }

    void contracts(Profile p) {
        ObjectNode renewal = null;
        int renewalRoll = rng.nextInt(100);
        if (renewalRoll < 18 && o.months() > 1) {
            // Term end inside the range: the periods from then on pay escalated prices.
            int monthOffset = 1 + rng.nextInt(o.months() - 1);
            int day = rng.nextInt(5) == 0 ? 10 : p.anchorDay();
            renewal = renewal(o.firstMonth().plusMonths(monthOffset).atDay(day), pick("5", "7", "3.5"));
        } else if (renewalRoll < 28) {
            renewal = renewal(o.firstMonth().plusMonths(o.months() + 6).atDay(p.anchorDay()), "4");
        }
        List<MeterSpec> specs = new ArrayList<>();
        for (int m = 0; m < o.meters().size(); m++) {
            String meter = o.meters().get(m);
            Kind kind = Kind.of(meter);
            // Round robin over the models, so that every meter is priced with every model.
            String model = MODELS[(p.index() + m) % MODELS.length];
            BigDecimal included = new BigDecimal(
                    switch (kind) {
                        case SUM -> pick("0", "5000", "20000");
                        case MAX -> pick("0", "10", "50");
                        case COUNT -> pick("0", "0", "20");
                    });
            Long minimum = rng.nextInt(100) < 20
                    ? switch (kind) {
                        case SUM -> 5000L;
                        case MAX -> 2000L;
                        case COUNT -> 3000L;
                    }
                    : null;
            String tolerance = rng.nextInt(100) < 10 ? "1" : null;
            specs.add(new MeterSpec(meter, kind, model, included, minimum, tolerance));
        }
        Instant v1From = o.firstMonth()
                .minusMonths(1)
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        addContract(contractJson(p, 1, v1From, renewal, specs, BigDecimal.ONE));
        if (o.months() > 1 && rng.nextInt(100) < 15) {
            // An upgrade from the second month: 10 % off every price and twice the included usage.
            Instant v2From = o.firstMonth()
                    .plusMonths(1)
                    .atDay(p.anchorDay())
                    .atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
            List<MeterSpec> upgraded = specs.stream()
                    .map(s -> new MeterSpec(
                            s.meter(),
                            s.kind(),
                            s.model(),
                            s.included().multiply(BigDecimal.valueOf(2)),
                            s.minimum(),
                            s.tolerance()))
                    .toList();
            addContract(contractJson(p, 2, v2From, renewal, upgraded, new BigDecimal("0.9")));
        }
    }

    private void addContract(ObjectNode contract) {
        contracts.add(contract);
        book.add(contract);
    }

    private static ObjectNode renewal(LocalDate termEnd, String escalatorPct) {
        ObjectNode r = DemoJson.MAPPER.createObjectNode();
        r.put("term_end", termEnd.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
        r.put("escalator_pct", escalatorPct);
        return r;
    }

    private ObjectNode contractJson(
            Profile p, int version, Instant from, ObjectNode renewal, List<MeterSpec> specs, BigDecimal factor) {
        ObjectNode n = DemoJson.MAPPER.createObjectNode();
        n.put("account_id", p.id());
        n.put("version", version);
        n.put("effective_from", from.toString());
        n.put("currency", p.currency());
        // Some contracts leave the anchor day out: the default (1) must apply.
        if (p.anchorDay() != 1 || p.index() % 3 != 0) {
            n.put("billing_anchor_day", p.anchorDay());
        }
        n.put("stripe_customer_id", String.format("cus_%08X", p.id().hashCode()));
        n.put("crm_account_id", "crm_" + (100_000 + p.index()));
        if (renewal != null) {
            n.set("renewal", renewal.deepCopy());
        }
        ArrayNode meters = n.putArray("meters");
        for (MeterSpec s : specs) {
            ObjectNode m = meters.addObject();
            m.put("meter", s.meter());
            if (s.kind() != Kind.SUM || p.index() % 2 == 0) {
                m.put("aggregation", s.kind().aggregation);
            }
            // The billing system's ids: every meter has a Stripe meter (its hourly summaries are the
            // reported usage); every other account's contract also names the price its lines bill.
            m.put("stripe_meter_id", stripeMeterId(s.meter()));
            if (p.index() % 2 == 0) {
                m.put("stripe_price_id", stripePriceId(s.meter(), p.currency()));
            }
            if (s.included().signum() > 0) {
                m.put("included_quantity", s.included().toPlainString());
            }
            if (s.minimum() != null) {
                m.put("minimum_amount_minor", s.minimum());
            }
            if (s.tolerance() != null) {
                m.put("tolerance_pct", s.tolerance());
            }
            m.set("pricing", pricing(s.kind(), s.model(), factor));
        }
        return n;
    }

    /** The Stripe meter that measures a meter's reported usage. */
    static String stripeMeterId(String meter) {
        return "mtr_" + meter;
    }

    /** The metered Stripe price that bills a meter in a currency. */
    static String stripePriceId(String meter, String currency) {
        return "price_" + meter + "_" + currency;
    }

    private static ObjectNode pricing(Kind kind, String model, BigDecimal factor) {
        ObjectNode p = DemoJson.MAPPER.createObjectNode();
        p.put("model", model);
        switch (model) {
            case "per_unit" ->
                p.put(
                        "unit_amount_decimal",
                        price(
                                switch (kind) {
                                    case SUM -> "0.1";
                                    case MAX -> "23";
                                    case COUNT -> "35";
                                },
                                factor));
            case "graduated" ->
                p.set(
                        "tiers",
                        tiers(
                                switch (kind) {
                                    case SUM ->
                                        new String[][] {
                                            {"10000", "0.15", "1000"}, {"250000", "0.1", "0"}, {null, "0.05", "0"}
                                        };
                                    case MAX ->
                                        new String[][] {{"100", "25", "0"}, {"1000", "20", "500"}, {null, "15", "0"}};
                                    case COUNT -> new String[][] {{"50", "40", "2000"}, {null, "30", "0"}};
                                },
                                factor,
                                true));
            case "volume" ->
                p.set(
                        "tiers",
                        tiers(
                                switch (kind) {
                                    case SUM ->
                                        new String[][] {
                                            {"50000", "0.12", "0"}, {"500000", "0.09", "0"}, {null, "0.06", "2500"}
                                        };
                                    case MAX -> new String[][] {{"500", "22", "0"}, {null, "18", "1000"}};
                                    case COUNT -> new String[][] {{"100", "40", "0"}, {null, "32", "0"}};
                                },
                                factor,
                                false));
            case "package" -> {
                String[] pkg =
                        switch (kind) {
                            case SUM -> new String[] {"1000", "90"};
                            case MAX -> new String[] {"50", "1000"};
                            case COUNT -> new String[] {"10", "300"};
                        };
                p.put("package_size", pkg[0]);
                p.put("package_amount_decimal", price(pkg[1], factor));
            }
            default -> throw new IllegalArgumentException(model);
        }
        return p;
    }

    private static ArrayNode tiers(String[][] rows, BigDecimal factor, boolean writeZeroFlat) {
        ArrayNode tiers = DemoJson.MAPPER.createArrayNode();
        for (String[] row : rows) {
            ObjectNode t = tiers.addObject();
            if (row[0] == null) {
                t.putNull("up_to");
            } else {
                t.put("up_to", row[0]);
            }
            t.put("unit_amount_decimal", price(row[1], factor));
            long flat = new BigDecimal(row[2])
                    .multiply(factor)
                    .setScale(0, RoundingMode.HALF_UP)
                    .longValueExact();
            // A zero flat amount is sometimes left out: the default (0) must apply.
            if (flat != 0 || writeZeroFlat) {
                t.put("flat_amount_minor", flat);
            }
        }
        return tiers;
    }

    private static String price(String base, BigDecimal factor) {
        BigDecimal p = new BigDecimal(base).multiply(factor).stripTrailingZeros();
        return p.scale() < 0 ? p.setScale(0).toPlainString() : p.toPlainString();
    }
}
