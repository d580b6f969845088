package io.reckon.jobs.testing;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.OracleContract.Terms;
import io.reckon.jobs.testing.OracleContract.Version;
import java.math.BigDecimal;
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
 * job's code (its own periods, deduplication, pricing and checks; contracts are handed to the job as
 * JSON rendered by {@link OracleContract}). The signals are not judged.
 */
public final class SpecOracle {

    /** The figures of one (account, meter, period) and the leak anomalies that stand on them. */
    public record Period(
            String currency,
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
            long[] period = period(e.accountId, e.kind == MeterEvent.Kind.INVOICE_LINE ? e.periodStart : e.eventTime);
            long start = period[0];
            Version v = applying(e.accountId, start);
            Terms terms = v == null ? null : v.meters().get(e.meter);
            if (terms == null) {
                continue; // no version in effect yet, or a meter it does not list: unmapped
            }
            if (e.kind == MeterEvent.Kind.INVOICE_LINE && !e.currency.equalsIgnoreCase(v.currency())) {
                continue; // another currency than the contract's: dead-lettered, never added
            }
            periods.computeIfAbsent(
                            e.accountId + "|" + e.meter + "|" + start,
                            k -> new Figures(e.accountId, e.meter, start, period[1], v, terms))
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

    /**
     * The period [start, end) of the account holding {@code t}, by walking forward (docs/reconciliation.md;
     * the spec is silent on an anchor day that changes): each period ends on the next date that is the
     * anchor day of the version applying at its start, the first version's before any applies. The walk
     * begins in calendar months of the first version's day, well before any version.
     */
    private long[] period(String account, long t) {
        List<Version> vs = versions.get(account);
        Version first = vs.stream()
                .min(Comparator.comparingLong(Version::effectiveFrom))
                .orElseThrow();
        int firstDay = applying(account, first.effectiveFrom()).anchorDay();
        long start = monthStart(Math.min(t, first.effectiveFrom()) - 62L * 86_400_000L, firstDay);
        while (true) {
            Version v = applying(account, start);
            long end = nextDate(start, v == null ? firstDay : v.anchorDay());
            if (t < end) {
                return new long[] {start, end};
            }
            start = end;
        }
    }

    /** The start of the calendar month of {@code anchorDay} holding {@code t}. */
    private static long monthStart(long t, int anchorDay) {
        ZonedDateTime at = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC);
        ZonedDateTime start = at.withDayOfMonth(anchorDay).toLocalDate().atStartOfDay(ZoneOffset.UTC);
        return (start.isAfter(at) ? start.minusMonths(1) : start).toInstant().toEpochMilli();
    }

    /** The first midnight after {@code t} that falls on day {@code anchorDay} of its month. */
    private static long nextDate(long t, int anchorDay) {
        ZonedDateTime day =
                Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC);
        do {
            day = day.plusDays(1);
        } while (day.getDayOfMonth() != anchorDay);
        return day.toInstant().toEpochMilli();
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
                case USAGE -> actual = aggregate(actual, e.quantity, false);
                case REPORTED -> reported = aggregate(reported, e.quantity, e.summary);
                case INVOICE_LINE -> {
                    if (!e.status.equals("void")) {
                        billed += e.amountMinor;
                        lined = true;
                    }
                }
                default -> throw new IllegalStateException(e.kind.name());
            }
        }

        /** A summary stands for its window's records: under {@code count} it counts its quantity. */
        private BigDecimal aggregate(BigDecimal sofar, BigDecimal q, boolean summary) {
            return switch (terms.aggregation()) {
                case "sum" -> sofar.add(q);
                case "max" -> sofar.max(q);
                case "count" -> sofar.add(summary ? q : BigDecimal.ONE);
                default -> throw new IllegalArgumentException(terms.aggregation());
            };
        }

        Period period() {
            boolean escalated = version.termEnd() != null && start >= version.termEnd();
            BigDecimal factor =
                    escalated ? BigDecimal.ONE.add(version.escalatorPct().movePointLeft(2)) : BigDecimal.ONE;
            long expected = OracleContract.price(terms, actual, factor);
            long priced = OracleContract.price(terms, reported, factor);
            long unescalated = OracleContract.price(terms, reported, BigDecimal.ONE);
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
                    version.currency(),
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
            a.currency = version.currency().toLowerCase(java.util.Locale.ROOT);
            a.actualQuantity = actual;
            a.reportedQuantity = reported;
            a.expectedAmountMinor = expected;
            a.pricedReportedAmountMinor = priced;
            // Section 4's billed_amount_minor, null before a line exists, on every type of the period.
            a.billedAmountMinor = lined ? billed : null;
            a.amountMinor = amount;
            return a;
        }
    }
}
