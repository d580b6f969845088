package io.reckon.demo;

import io.reckon.demo.DemoReport.FalseSignals;
import io.reckon.demo.DemoReport.Identity;
import io.reckon.demo.DemoReport.Mismatch;
import io.reckon.demo.DemoReport.TypeScore;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The text of a {@link DemoReport}: per type the counts, the money and the detection latency, the
 * false signals, the sales signals apart, then the false positives and the missed cases; and the
 * formats its figures are written in.
 */
final class DemoReportText {

    private static final int LIST_LIMIT = 10;

    private final DemoReport report;

    DemoReportText(DemoReport report) {
        this.report = report;
    }

    /** The text a RevOps person reads: per type counts, money and latency, then what went wrong. */
    String render() {
        StringBuilder out = new StringBuilder();
        out.append("Reckon demo: detected leaks against injected truth\n");
        out.append("Read ")
                .append(report.revisionsRead())
                .append(" revisions of ")
                .append(report.anomaliesRead())
                .append(" anomalies");
        if (report.unreadableLines() > 0) {
            out.append(" (")
                    .append(report.unreadableLines())
                    .append(report.unreadableLines() == 1 ? " unreadable line" : " unreadable lines")
                    .append(" skipped)");
        }
        out.append(".\n\n");

        int injected = 0;
        int found = 0;
        int tp = 0;
        Map<String, Long> injectedAmount = new TreeMap<>();
        Map<String, Long> foundAmount = new TreeMap<>();
        for (TypeScore s : report.types()) {
            if (s.injected() == 0 && s.found() == 0) {
                out.append(String.format(Locale.ROOT, "%-22s not injected%n", s.type()));
                continue;
            }
            if (DemoReport.OPPORTUNITY_TYPES.contains(s.type())) {
                continue; // sales signals come after the leaks' total, apart from them
            }
            if (s.isSignalWithoutTruth()) {
                out.append(String.format(Locale.ROOT, "%-22s %d raised (a signal, not scored)%n", s.type(), s.found()));
                appendFalseSignals(out, report.falseSignals(s.type()));
                continue;
            }
            if (DemoReport.LEAK_TYPES.contains(s.type())) {
                injected += s.injected();
                found += s.found();
                tp += s.truePositives();
                s.injectedAmount().forEach((c, a) -> injectedAmount.merge(c, a, Long::sum));
                s.foundAmount().forEach((c, a) -> foundAmount.merge(c, a, Long::sum));
            }
            out.append(s.type()).append('\n');
            out.append(String.format(
                    Locale.ROOT,
                    "  injected %d, found %d, true positives %d; precision %s, recall %s%n",
                    s.injected(),
                    s.found(),
                    s.truePositives(),
                    percent(s.precision()),
                    percent(s.recall())));
            appendAmounts(out, "  leaked amount: injected ", s);
            appendLatency(out, "  detection latency (event time): ", s);
            if (DemoReport.SIGNAL_TYPES.contains(s.type())) {
                appendFalseSignals(out, report.falseSignals(s.type()));
            }
        }
        out.append('\n');
        out.append(String.format(
                Locale.ROOT,
                "All leak types (signals apart): injected %d, found %d, true positives %d; precision %s, recall %s%n",
                injected,
                found,
                tp,
                percent(found == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) tp / found)),
                percent(injected == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) tp / injected))));
        out.append("  leaked amount injected ")
                .append(money(injectedAmount))
                .append(", found ")
                .append(money(foundAmount))
                .append('\n');
        for (String type : DemoReport.OPPORTUNITY_TYPES) {
            appendOpportunity(out, report.type(type));
        }
        appendList(out, "False positives", report.falsePositives());
        appendList(out, "Missed", report.missed());
        return out.toString();
    }
    /**
     * A sales signal, apart from the leaks: scored like them when the truth holds cases of its type
     * (its amount is the usage beyond the plan, priced: what an upsell is worth, not money leaked),
     * otherwise counted.
     */
    private void appendOpportunity(StringBuilder out, TypeScore s) {
        if (s.injected() == 0 && s.found() == 0) {
            return; // off, or nothing to find: nothing to say
        }
        out.append('\n');
        if (s.injected() == 0) {
            out.append(String.format(
                    Locale.ROOT,
                    "%-22s %d raised (a sales signal, apart from the leaks; not scored: no injected truth),"
                            + " %d with amount 0%n",
                    s.type(),
                    s.found(),
                    report.zeroAmount(s.type())));
            return;
        }
        out.append(s.type()).append(" (a sales signal, scored apart from the leaks)\n");
        out.append(String.format(
                Locale.ROOT,
                "  in truth %d, found %d, true positives %d; precision %s, recall %s; %d found with amount 0%n",
                s.injected(),
                s.found(),
                s.truePositives(),
                percent(s.precision()),
                percent(s.recall()),
                report.zeroAmount(s.type())));
        appendAmounts(out, "  usage beyond the plan, priced: in truth ", s);
        appendLatency(out, "  raised after the period's metering became final (event time): ", s);
    }
    /** The amounts line of one type's score: in truth, found, and found among the true positives. */
    private static void appendAmounts(StringBuilder out, String label, TypeScore s) {
        out.append(label)
                .append(money(s.injectedAmount()))
                .append(", found ")
                .append(money(s.foundAmount()))
                .append(" (true positives ")
                .append(money(s.truePositiveAmount()))
                .append(")\n");
    }
    /** The latency line of one type's score, when it has true positives. */
    private static void appendLatency(StringBuilder out, String label, TypeScore s) {
        if (s.truePositives() == 0) {
            return;
        }
        out.append(label);
        if (s.latencies().isEmpty()) {
            out.append("none measured");
        } else {
            out.append("median ")
                    .append(hours(s.medianLatency().orElseThrow()))
                    .append(", max ")
                    .append(hours(s.maxLatency().orElseThrow()));
        }
        if (s.detectedAtEndOfInput() > 0) {
            out.append("; ").append(s.detectedAtEndOfInput()).append(" only at the end of the input");
        }
        out.append('\n');
    }

    private static void appendFalseSignals(StringBuilder out, FalseSignals f) {
        out.append(String.format(
                Locale.ROOT,
                "  false signals (no injected case): %d, of which %d on keys without a case of this type and %d"
                        + " after the input ends; rate %s per 1,000 key-hours judged (%,d key-hours)%n",
                f.total(),
                f.onKeysWithoutCase(),
                f.afterInputEnd(),
                f.rate().isEmpty()
                        ? "n/a"
                        : BigDecimal.valueOf(f.rate().getAsDouble() * 1000)
                                .setScale(3, RoundingMode.HALF_UP)
                                .toPlainString(),
                f.keyHoursJudged()));
    }

    private static void appendList(StringBuilder out, String title, List<Mismatch> list) {
        out.append('\n').append(title).append(" (").append(list.size()).append(")");
        if (list.isEmpty()) {
            out.append(": none\n");
            return;
        }
        out.append(list.size() > LIST_LIMIT ? ", first " + LIST_LIMIT + ":\n" : ":\n");
        for (Mismatch m : list.subList(0, Math.min(LIST_LIMIT, list.size()))) {
            Identity id = m.identity();
            out.append(String.format(
                    Locale.ROOT,
                    "  %-22s %-12s %-12s %s  %s  (%s)%n",
                    id.type(),
                    id.accountId(),
                    id.meter(),
                    id.periodStart().atZone(ZoneOffset.UTC).toLocalDate(),
                    money(m.amountMinor(), m.currency()),
                    m.note()));
        }
    }

    static String percent(OptionalDouble ratio) {
        if (ratio.isEmpty()) {
            return "n/a";
        }
        return BigDecimal.valueOf(ratio.getAsDouble())
                        .movePointRight(2)
                        .setScale(1, RoundingMode.HALF_UP)
                        .toPlainString()
                + "%";
    }

    static String hours(Duration d) {
        return BigDecimal.valueOf(d.toSeconds())
                        .divide(BigDecimal.valueOf(3600), 1, RoundingMode.HALF_UP)
                        .toPlainString()
                + " h";
    }
    /** Amounts of several currencies side by side; they are never added together. */
    static String money(Map<String, Long> byCurrency) {
        if (byCurrency.isEmpty()) {
            return "none";
        }
        return byCurrency.entrySet().stream()
                .map(e -> money(e.getValue(), e.getKey()))
                .collect(Collectors.joining(" + "));
    }
    /** Minor units as a person reads money: {@code $1,234.56}, {@code €12.00}, {@code -$0.05}. */
    static String money(long minor, String currency) {
        String code = currency == null ? "" : currency.toUpperCase(Locale.ROOT);
        int digits = 2;
        try {
            digits = Math.max(0, Currency.getInstance(code).getDefaultFractionDigits());
        } catch (IllegalArgumentException unknownCurrency) {
            // Keep 2 digits, the most common.
        }
        String symbol =
                switch (code) {
                    case "USD" -> "$";
                    case "EUR" -> "€";
                    case "GBP" -> "£";
                    case "JPY" -> "¥";
                    default -> code.isEmpty() ? "" : code + " ";
                };
        BigDecimal value = BigDecimal.valueOf(Math.abs(minor), digits);
        return (minor < 0 ? "-" : "") + symbol + String.format(Locale.US, "%,." + digits + "f", value);
    }
}
