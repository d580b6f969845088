package io.reckon.jobs.testing;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The final leak anomalies of a set of records, computed the way the reconciliation spec (v1.1, sections
 * 2 to 4) reads, as a batch over all the records at once: no state, no time, no order, and none of the
 * job's code (its own periods, deduplication, pricing and checks; contracts are handed to the job as
 * JSON rendered here). The signals are not judged.
 */
public final class SpecOracle {

    /** One tier of a graduated or volume price; {@code upTo} null is the last, unbounded one. */
    public record Tier(BigDecimal upTo, BigDecimal unit, BigDecimal flat) {}

    /** A meter's price: per_unit ({@code unit}), graduated or volume ({@code tiers}), or package. */
    public record Pricing(
            String model, BigDecimal unit, List<Tier> tiers, BigDecimal packageSize, BigDecimal packageAmount) {}

    /** A meter of a contract version. */
    public record Terms(
            String aggregation, BigDecimal included, long minimum, BigDecimal tolerancePct, Pricing pricing) {}

    /** One contract version; {@code termEnd} null for none. */
    public record Version(
            String account,
            int version,
            long effectiveFrom,
            int anchorDay,
            Long termEnd,
            BigDecimal escalatorPct,
            Map<String, Terms> meters) {

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
            return "{\"account_id\":\"%s\",\"version\":%d,\"effective_from\":\"%s\",\"currency\":\"usd\",\"billing_anchor_day\":%d%s,\"meters\":[%s]}"
                    .formatted(account, version, Instant.ofEpochMilli(effectiveFrom), anchorDay, renewal, meterList);
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

    /** The figures of one (account, meter, period) and the leak anomalies that stand on them. */
    public record Period(
            String account,
            String meter,
            long start,
            long end,
            BigDecimal actual,
            BigDecimal reported,
            long expected,
            long pricedReported,
            long pricedReportedUnescalated,
            boolean escalated,
            Long billed,
            List<AnomalyRecord> anomalies) {}

    private final Map<String, List<Version>> versions = new HashMap<>();
    private final long horizonMs;

    public SpecOracle(List<Version> contracts, long horizonMs) {
        for (Version v : contracts) {
            versions.computeIfAbsent(v.account(), k -> new ArrayList<>()).add(v);
        }
        this.horizonMs = horizonMs;
    }

    /**
     * The contract versions {@link ArrivalScenario#generate} gives the accounts of {@code shape}:
     * {@code api_calls} summed with 100 included, graduated or per unit at 0.5 (0.75 from the second
     * version, in effect from March), {@code storage_gb} the maximum at 150 per unit.
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
        return new Version(account, version, Instant.parse(from).toEpochMilli(), anchor, null, null, meters);
    }

    /** The leak anomalies that stand at the end, each as {@link FinalAnomalies#line}. */
    public List<String> standing(List<MeterEvent> records) {
        List<String> out = new ArrayList<>();
        for (Period p : periods(records)) {
            p.anomalies().forEach(a -> out.add(FinalAnomalies.line(a)));
        }
        return out;
    }

    /** Every priced (account, meter, period) that holds a counted record or a line, with its figures. */
    public List<Period> periods(List<MeterEvent> records) {
        Map<String, Figures> periods = new TreeMap<>();
        for (MeterEvent e : counted(records)) {
            List<Version> vs = versions.get(e.accountId);
            if (vs == null) {
                continue; // no contract: unmapped, counted elsewhere, never priced
            }
            // The anchor day of the latest version cuts every period (the spec is silent; docs/reconciliation.md).
            int anchor = vs.stream()
                    .max(Comparator.comparingInt(Version::version))
                    .orElseThrow()
                    .anchorDay();
            long start = periodStart(e.kind == MeterEvent.Kind.INVOICE_LINE ? e.periodStart : e.eventTime, anchor);
            Version v = applying(e.accountId, start);
            Terms terms = v == null ? null : v.meters().get(e.meter);
            if (terms == null) {
                continue; // no version in effect yet, or a meter it does not list: unmapped
            }
            periods.computeIfAbsent(
                            e.accountId + "|" + e.meter + "|" + start,
                            k -> new Figures(e.accountId, e.meter, start, nextStart(start, anchor), v, terms))
                    .add(e);
        }
        return periods.values().stream().map(Figures::period).toList();
    }

    /** The highest version in effect at {@code periodStart}, or null. */
    private Version applying(String account, long periodStart) {
        return versions.get(account).stream()
                .filter(v -> v.effectiveFrom() <= periodStart)
                .max(Comparator.comparingInt(Version::version))
                .orElse(null);
    }

    /**
     * The records that count: of each usage or event-kind report id of a key, its copies in order of
     * (event time, quantity, scale), the first and each next one more than the horizon after the last
     * that counted; of each summary id and each invoice line, the record with the greatest updated_at.
     */
    private List<MeterEvent> counted(List<MeterEvent> records) {
        Map<String, List<MeterEvent>> byId = new HashMap<>();
        for (MeterEvent e : records) {
            byId.computeIfAbsent(e.kind + "|" + e.accountId + "|" + e.meter + "|" + e.id, k -> new ArrayList<>())
                    .add(e);
        }
        List<MeterEvent> out = new ArrayList<>();
        for (List<MeterEvent> copies : byId.values()) {
            MeterEvent first = copies.get(0);
            if (first.kind == MeterEvent.Kind.INVOICE_LINE || first.summary) {
                out.add(copies.stream()
                        .max(Comparator.comparingLong((MeterEvent e) -> e.updatedAt))
                        .orElseThrow());
                continue;
            }
            copies.sort(Comparator.comparingLong((MeterEvent e) -> e.eventTime)
                    .thenComparing(e -> e.quantity)
                    .thenComparingInt(e -> e.quantity.scale()));
            long last = Long.MIN_VALUE;
            for (MeterEvent c : copies) {
                if (last == Long.MIN_VALUE || c.eventTime - last > horizonMs) {
                    out.add(c);
                    last = c.eventTime;
                }
            }
        }
        return out;
    }

    static long periodStart(long t, int anchorDay) {
        ZonedDateTime at = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC);
        ZonedDateTime start = at.withDayOfMonth(anchorDay).toLocalDate().atStartOfDay(ZoneOffset.UTC);
        return (start.isAfter(at) ? start.minusMonths(1) : start).toInstant().toEpochMilli();
    }

    static long nextStart(long start, int anchorDay) {
        return Instant.ofEpochMilli(start)
                .atZone(ZoneOffset.UTC)
                .plusMonths(1)
                .withDayOfMonth(anchorDay)
                .toInstant()
                .toEpochMilli();
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

    /** What one (account, meter, period) holds, and its anomalies by section 4. */
    private static final class Figures {
        final String account;
        final String meter;
        final long start;
        final long end;
        final Version version;
        final Terms terms;
        BigDecimal actual = BigDecimal.ZERO;
        BigDecimal reported = BigDecimal.ZERO;
        long billed;
        boolean lined;

        Figures(String account, String meter, long start, long end, Version version, Terms terms) {
            this.account = account;
            this.meter = meter;
            this.start = start;
            this.end = end;
            this.version = version;
            this.terms = terms;
        }

        void add(MeterEvent e) {
            switch (e.kind) {
                case USAGE -> actual = aggregate(actual, e.quantity);
                case REPORTED -> reported = aggregate(reported, e.quantity);
                case INVOICE_LINE -> {
                    if (!e.status.equals("void")) {
                        billed += e.amountMinor;
                        lined = true;
                    }
                }
                default -> throw new IllegalStateException(e.kind.name());
            }
        }

        private BigDecimal aggregate(BigDecimal sofar, BigDecimal q) {
            return switch (terms.aggregation()) {
                case "sum" -> sofar.add(q);
                case "max" -> sofar.max(q);
                case "count" -> sofar.add(BigDecimal.ONE);
                default -> throw new IllegalArgumentException(terms.aggregation());
            };
        }

        Period period() {
            boolean escalated = version.termEnd() != null && start >= version.termEnd();
            BigDecimal factor =
                    escalated ? BigDecimal.ONE.add(version.escalatorPct().movePointLeft(2)) : BigDecimal.ONE;
            long expected = price(terms, actual, factor);
            long priced = price(terms, reported, factor);
            long unescalated = price(terms, reported, BigDecimal.ONE);
            BigDecimal tolerance =
                    actual.max(reported).multiply(terms.tolerancePct().movePointLeft(2));
            List<AnomalyRecord> out = new ArrayList<>();
            if (actual.subtract(reported).compareTo(tolerance) > 0 && expected - priced >= 1) {
                out.add(anomaly("UNDER_REPORTED_USAGE", expected, priced, expected - priced));
            }
            if (reported.subtract(actual).compareTo(tolerance) > 0 && priced - expected >= 1) {
                out.add(anomaly("OVER_REPORTED_USAGE", expected, priced, priced - expected));
            }
            if (!lined) {
                if (priced >= 1) {
                    out.add(anomaly("UNBILLED_USAGE", expected, priced, priced));
                }
            } else {
                boolean drift = escalated && Math.abs(billed - unescalated) <= 1;
                if (drift && priced - billed >= 1) {
                    out.add(anomaly("RENEWAL_DRIFT", expected, priced, priced - billed));
                }
                if (!drift && priced - billed >= 1) {
                    out.add(anomaly("MISSED_OVERAGE", expected, priced, priced - billed));
                }
                if (billed - priced >= 1) {
                    out.add(anomaly("OVERBILLED", expected, priced, billed - priced));
                }
            }
            return new Period(
                    account,
                    meter,
                    start,
                    end,
                    actual,
                    reported,
                    expected,
                    priced,
                    unescalated,
                    escalated,
                    lined ? billed : null,
                    out);
        }

        private AnomalyRecord anomaly(String type, long expected, long priced, long amount) {
            AnomalyRecord a = new AnomalyRecord();
            a.type = type;
            a.accountId = account;
            a.meter = meter;
            a.periodStart = start;
            a.periodEnd = end;
            a.currency = "usd";
            a.actualQuantity = actual;
            a.reportedQuantity = reported;
            a.expectedAmountMinor = expected;
            a.pricedReportedAmountMinor = priced;
            // The README's example: a metering anomaly carries no billed amount, even once a line exists.
            boolean billing = lined && !type.endsWith("REPORTED_USAGE");
            a.billedAmountMinor = billing ? billed : null;
            a.amountMinor = amount;
            return a;
        }
    }
}
