package io.reckon.jobs.testing;

import io.reckon.jobs.records.AnomalyRecord;
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

/**
 * The final leak anomalies of a set of records, computed the way the reconciliation spec (v1.1, sections
 * 2 to 4) reads, as a batch over all the records at once: no state, no time, no order, and none of the
 * job's code (its own periods, deduplication, pricing and checks). Written for the contracts of {@link
 * ArrivalScenario}: per account one or two versions with one anchor day, {@code api_calls} summed with
 * 100 included and priced per unit or in two graduated tiers, {@code storage_gb} the maximum at 150 per
 * unit, the default tolerance of 0.5 %, no minimum and no renewal. The signals are not judged.
 */
public final class SpecOracle {

    /** One contract version as the oracle needs it. */
    public record Version(int version, long effectiveFrom, int anchorDay, boolean graduated, BigDecimal unit) {}

    private final Map<String, List<Version>> versions = new HashMap<>();
    private final long horizonMs;

    public SpecOracle(long horizonMs) {
        this.horizonMs = horizonMs;
    }

    /** The versions {@link ArrivalScenario#generate} gives the accounts of {@code shape}. */
    public static SpecOracle of(ArrivalScenario.Shape shape, long horizonMs) {
        SpecOracle o = new SpecOracle(horizonMs);
        for (int a = 0; a < shape.accounts(); a++) {
            int anchor = shape.anchor15() && a == 0 ? 15 : 1;
            List<Version> v = new ArrayList<>();
            v.add(new Version(
                    1, Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), anchor, shape.graduated(), d("0.5")));
            if (shape.secondVersion()) {
                v.add(new Version(
                        2, Instant.parse("2026-03-01T00:00:00Z").toEpochMilli(), anchor, shape.graduated(), d("0.75")));
            }
            o.versions.put("acct_" + a, v);
        }
        return o;
    }

    /** The leak anomalies that stand at the end, each as {@link FinalAnomalies#line}. */
    public List<String> standing(List<MeterEvent> records) {
        Map<String, Figures> periods = new TreeMap<>();
        for (MeterEvent e : counted(records)) {
            List<Version> vs = versions.get(e.accountId);
            if (vs == null || !(e.meter.equals("api_calls") || e.meter.equals("storage_gb"))) {
                continue; // unmapped: counted elsewhere, never priced
            }
            int anchor = vs.get(vs.size() - 1).anchorDay();
            long start = e.kind == MeterEvent.Kind.INVOICE_LINE ? e.periodStart : periodStart(e.eventTime, anchor);
            Figures f = periods.computeIfAbsent(
                    e.accountId + "|" + e.meter + "|" + start,
                    k -> new Figures(e.accountId, e.meter, start, nextStart(start, anchor)));
            f.add(e);
        }
        List<String> out = new ArrayList<>();
        for (Figures f : periods.values()) {
            f.anomalies(applying(f.account, f.start)).forEach(a -> out.add(FinalAnomalies.line(a)));
        }
        return out;
    }

    /** The highest version in effect at {@code periodStart}. */
    private Version applying(String account, long periodStart) {
        return versions.get(account).stream()
                .filter(v -> v.effectiveFrom() <= periodStart)
                .max(Comparator.comparingInt(Version::version))
                .orElseThrow(() -> new IllegalStateException("no version for " + account + " at " + periodStart));
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

    /** price(q) of section 3 for the meters of the scenario, in cents, rounded half up once. */
    static long price(Version v, String meter, BigDecimal q) {
        if (meter.equals("storage_gb")) {
            return round(q.max(BigDecimal.ZERO).multiply(d("150")));
        }
        BigDecimal billable = q.subtract(d("100")).max(BigDecimal.ZERO);
        if (!v.graduated()) {
            return round(billable.multiply(v.unit()));
        }
        BigDecimal first = billable.min(d("5000"));
        BigDecimal rest = billable.subtract(first);
        BigDecimal amount = first.multiply(v.unit()).add(rest.multiply(d("0.25")));
        if (rest.signum() > 0) {
            amount = amount.add(d("100"));
        }
        return round(amount);
    }

    private static long round(BigDecimal amount) {
        return amount.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    /** What one (account, meter, period) holds, and its anomalies by section 4. */
    private static final class Figures {
        final String account;
        final String meter;
        final long start;
        final long end;
        BigDecimal actual = BigDecimal.ZERO;
        BigDecimal reported = BigDecimal.ZERO;
        long billed;
        boolean lined;

        Figures(String account, String meter, long start, long end) {
            this.account = account;
            this.meter = meter;
            this.start = start;
            this.end = end;
        }

        void add(MeterEvent e) {
            boolean max = meter.equals("storage_gb");
            switch (e.kind) {
                case USAGE -> actual = max ? actual.max(e.quantity) : actual.add(e.quantity);
                case REPORTED -> reported = max ? reported.max(e.quantity) : reported.add(e.quantity);
                case INVOICE_LINE -> {
                    if (!e.status.equals("void")) {
                        billed += e.amountMinor;
                        lined = true;
                    }
                }
                default -> throw new IllegalStateException(e.kind.name());
            }
        }

        List<AnomalyRecord> anomalies(Version v) {
            long expected = price(v, meter, actual);
            long priced = price(v, meter, reported);
            BigDecimal tolerance = actual.max(reported).multiply(d("0.005"));
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
            } else if (priced - billed >= 1) {
                out.add(anomaly("MISSED_OVERAGE", expected, priced, priced - billed));
            } else if (billed - priced >= 1) {
                out.add(anomaly("OVERBILLED", expected, priced, billed - priced));
            }
            return out;
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
