package io.reckon.jobs.testing;

import io.reckon.jobs.records.ContractEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The oracle's own view of a contract (spec v1.1, sections 1 and 3): its versions, the terms of their
 * meters, and price(q), computed from the spec's text alone. {@link #scenarioVersions} are the
 * versions {@link ArrivalScenario} gives its accounts; a version renders itself as the JSON the job
 * reads.
 */
public final class OracleContract {

    private OracleContract() {}
    /** One tier of a graduated or volume price; {@code upTo} null is the last, unbounded one. */
    public record Tier(BigDecimal upTo, BigDecimal unit, BigDecimal flat) {}

    /** A meter's price: per_unit ({@code unit}), graduated or volume ({@code tiers}), or package. */
    public record Pricing(
            String model, BigDecimal unit, List<Tier> tiers, BigDecimal packageSize, BigDecimal packageAmount) {}

    /** A meter of a contract version. */
    public record Terms(
            String aggregation, BigDecimal included, long minimum, BigDecimal tolerancePct, Pricing pricing) {}

    /** One contract version; {@code termEnd} null for none; {@code currency} as the contract writes it. */
    public record Version(
            String account,
            int version,
            long effectiveFrom,
            int anchorDay,
            Long termEnd,
            BigDecimal escalatorPct,
            Map<String, Terms> meters,
            String currency) {

        public ContractEvent event() {
            return Contracts.event(json());
        }

        public String json() {
            String renewal = termEnd == null
                    ? ""
                    : ",\"renewal\":{\"term_end\":\"%s\",\"escalator_pct\":\"%s\"}"
                            .formatted(Instant.ofEpochMilli(termEnd), escalatorPct.toPlainString());
            String meterList = meters.entrySet().stream()
                    .map(e -> meterJson(e.getKey(), e.getValue()))
                    .collect(Collectors.joining(","));
            return "{\"account_id\":\"%s\",\"version\":%d,\"effective_from\":\"%s\",\"currency\":\"%s\",\"billing_anchor_day\":%d%s,\"meters\":[%s]}"
                    .formatted(
                            account,
                            version,
                            Instant.ofEpochMilli(effectiveFrom),
                            currency,
                            anchorDay,
                            renewal,
                            meterList);
        }

        private static String meterJson(String meter, Terms t) {
            Pricing p = t.pricing();
            String pricing =
                    switch (p.model()) {
                        case "per_unit" ->
                            "{\"model\":\"per_unit\",\"unit_amount_decimal\":\"%s\"}"
                                    .formatted(p.unit().toPlainString());
                        case "package" ->
                            "{\"model\":\"package\",\"package_size\":\"%s\",\"package_amount_decimal\":\"%s\"}"
                                    .formatted(
                                            p.packageSize().toPlainString(),
                                            p.packageAmount().toPlainString());
                        default ->
                            "{\"model\":\"%s\",\"tiers\":[%s]}"
                                    .formatted(
                                            p.model(),
                                            p.tiers().stream()
                                                    .map(tier ->
                                                            "{\"up_to\":%s,\"unit_amount_decimal\":\"%s\",\"flat_amount_minor\":%s}"
                                                                    .formatted(
                                                                            tier.upTo() == null
                                                                                    ? "null"
                                                                                    : "\""
                                                                                            + tier.upTo()
                                                                                                    .toPlainString()
                                                                                            + "\"",
                                                                            tier.unit()
                                                                                    .toPlainString(),
                                                                            tier.flat()
                                                                                    .toPlainString()))
                                                    .collect(Collectors.joining(",")));
                    };
            return "{\"meter\":\"%s\",\"aggregation\":\"%s\",\"included_quantity\":\"%s\",\"minimum_amount_minor\":%d,\"tolerance_pct\":\"%s\",\"pricing\":%s}"
                    .formatted(
                            meter,
                            t.aggregation(),
                            t.included().toPlainString(),
                            t.minimum(),
                            t.tolerancePct().toPlainString(),
                            pricing);
        }
    }

    /**
     * The contract versions {@link ArrivalScenario#generate} gives the accounts of {@code shape}:
     * {@code api_calls} summed with 100 included, graduated or per unit at 0.5 (0.75 from the second
     * version, in effect from March), {@code storage_gb} the maximum at 150 per unit, {@code requests}
     * counted at 2 per unit.
     */
    public static List<Version> scenarioVersions(ArrivalScenario.Shape shape) {
        List<Version> out = new ArrayList<>();
        for (int a = 0; a < shape.accounts(); a++) {
            int anchor = shape.anchor15() && a == 0 ? 15 : 1;
            out.add(scenarioVersion("acct_" + a, 1, "2026-01-01T00:00:00Z", anchor, shape.graduated(), "0.5"));
            if (shape.secondVersion()) {
                out.add(scenarioVersion("acct_" + a, 2, "2026-03-01T00:00:00Z", anchor, shape.graduated(), "0.75"));
            }
        }
        return out;
    }

    private static Version scenarioVersion(
            String account, int version, String from, int anchor, boolean graduated, String unit) {
        BigDecimal u = new BigDecimal(unit);
        Pricing calls = graduated
                ? new Pricing(
                        "graduated",
                        null,
                        List.of(
                                new Tier(new BigDecimal("5000"), u, BigDecimal.ZERO),
                                new Tier(null, new BigDecimal("0.25"), new BigDecimal("100"))),
                        null,
                        null)
                : new Pricing("per_unit", u, null, null, null);
        BigDecimal tolerance = new BigDecimal("0.5");
        Map<String, Terms> meters = new java.util.LinkedHashMap<>();
        meters.put("api_calls", new Terms("sum", new BigDecimal("100"), 0, tolerance, calls));
        meters.put(
                "storage_gb",
                new Terms(
                        "max",
                        BigDecimal.ZERO,
                        0,
                        tolerance,
                        new Pricing("per_unit", new BigDecimal("150"), null, null, null)));
        meters.put(
                "requests",
                new Terms(
                        "count",
                        BigDecimal.ZERO,
                        0,
                        tolerance,
                        new Pricing("per_unit", new BigDecimal("2"), null, null, null)));
        return new Version(account, version, Instant.parse(from).toEpochMilli(), anchor, null, null, meters, "usd");
    }

    /** price(q) of section 3, in minor units, rounded half up once at the end. */
    public static long price(Terms t, BigDecimal q, BigDecimal factor) {
        BigDecimal billable = q.subtract(t.included()).max(BigDecimal.ZERO);
        Pricing p = t.pricing();
        BigDecimal amount =
                switch (p.model()) {
                    case "per_unit" -> billable.multiply(p.unit().multiply(factor));
                    case "package" ->
                        billable.divide(p.packageSize(), 0, RoundingMode.CEILING)
                                .multiply(p.packageAmount().multiply(factor));
                    case "graduated" -> graduated(p.tiers(), billable, factor);
                    case "volume" -> volume(p.tiers(), billable, factor);
                    default -> throw new IllegalArgumentException(p.model());
                };
        amount = amount.max(BigDecimal.valueOf(t.minimum()));
        return amount.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static BigDecimal graduated(List<Tier> tiers, BigDecimal billable, BigDecimal factor) {
        BigDecimal amount = BigDecimal.ZERO;
        BigDecimal below = BigDecimal.ZERO;
        for (Tier t : tiers) {
            BigDecimal top = t.upTo() == null ? billable : t.upTo().min(billable);
            BigDecimal units = top.subtract(below);
            if (units.signum() > 0) {
                amount = amount.add(units.multiply(t.unit().multiply(factor)))
                        .add(t.flat().multiply(factor));
            }
            if (t.upTo() == null || t.upTo().compareTo(billable) >= 0) {
                break;
            }
            below = t.upTo();
        }
        return amount;
    }

    private static BigDecimal volume(List<Tier> tiers, BigDecimal billable, BigDecimal factor) {
        if (billable.signum() == 0) {
            return BigDecimal.ZERO;
        }
        for (Tier t : tiers) {
            if (t.upTo() == null || billable.compareTo(t.upTo()) <= 0) {
                return billable.multiply(t.unit().multiply(factor)).add(t.flat().multiply(factor));
            }
        }
        throw new IllegalStateException("no tier holds " + billable);
    }
}
