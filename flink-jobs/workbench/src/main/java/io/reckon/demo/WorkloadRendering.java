package io.reckon.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The workload's files as JSON Lines: contracts, usage and reports in arrival order (out of order
 * within the disorder, retried copies, late records) and invoice lines, each with its bad lines.
 */
final class WorkloadRendering extends WorkloadDraft {

    private record Line(long arrivalMillis, long seq, String json) {}

    WorkloadRendering(WorkloadDraft draft) {
        super(draft);
    }

    List<String> renderContracts(Map<String, Integer> bad) {
        List<ObjectNode> sorted = new ArrayList<>(contracts);
        sorted.sort(Comparator.comparing(
                        (ObjectNode n) -> Instant.parse(n.get("effective_from").asText()))
                .thenComparing(n -> n.get("account_id").asText())
                .thenComparing(n -> n.get("version").asInt()));
        List<String> lines = new ArrayList<>();
        for (ObjectNode n : sorted) {
            lines.add(DemoJson.line(n));
        }
        String account = profiles.get(0).id();
        return withBadLines(
                DemoWorkload.CONTRACTS_FILE,
                lines,
                List.of(
                        "{\"account_id\":\"" + account + "\",\"version\":9,\"effective_from\":\"2026-01-01T00:00:00Z\"",
                        "{\"version\":1,\"effective_from\":\"2026-01-01T00:00:00Z\",\"currency\":\"usd\",\"meters\":[]}"),
                bad);
    }

    List<String> renderRecords(
            String file, Map<Key, List<Rec>> recordsByKey, Map<String, Instant> arrivals, Map<String, Integer> bad) {
        boolean isUsage = file.equals(DemoWorkload.USAGE_FILE);
        List<Line> lines = new ArrayList<>();
        long seq = 0;
        long unique = 0;
        long duplicates = 0;
        int disorderSeconds = (int) o.maxDisorder().toSeconds();
        for (List<Rec> recs : recordsByKey.values()) {
            for (Rec r : recs) {
                ObjectNode n = DemoJson.MAPPER.createObjectNode();
                n.put(isUsage ? "event_id" : "report_id", r.id());
                n.put("account_id", r.account());
                n.put("meter", r.meter());
                n.put("event_time", r.time().toString());
                n.put("quantity", DemoJson.quantity(r.quantity()));
                if (isUsage && Kind.of(r.meter()) == Kind.SUM && rng.nextInt(4) == 0) {
                    n.putObject("attributes").put("endpoint", pick("/v1/search", "/v1/embed", "/v1/query"));
                }
                String json = DemoJson.line(n);
                // Out of order: every record arrives up to maxDisorder after its event time.
                Instant jittered = r.time().plusSeconds(rng.nextInt(disorderSeconds + 1));
                Instant arrival = arrivals.getOrDefault(r.id(), jittered);
                lines.add(new Line(arrival.toEpochMilli(), seq++, json));
                unique++;
                if (!neverDuplicated.contains(r.id()) && rng.nextInt(1000) < o.duplicatePermille()) {
                    // The same record again (a producer retry), shortly after the first copy.
                    Instant again = arrival.plusSeconds(1 + rng.nextInt(disorderSeconds + 1));
                    lines.add(new Line(again.toEpochMilli(), seq++, json));
                    duplicates++;
                }
            }
        }
        lines.sort(Comparator.comparingLong(Line::arrivalMillis).thenComparingLong(Line::seq));
        List<String> out = new ArrayList<>(lines.size());
        for (Line l : lines) {
            out.add(l.json());
        }
        String prefix = isUsage ? "usage" : "reports";
        stats.put(prefix, unique);
        stats.put(prefix + "_duplicates", duplicates);
        return withBadLines(file, out, isUsage ? badUsage() : badReports(), bad);
    }

    private List<String> badUsage() {
        String a = profiles.get(profiles.size() / 2).id();
        String m = o.meters().get(0);
        String t =
                rangeStart.plus(Duration.ofDays(5)).plus(HOUR.multipliedBy(10)).toString();
        return List.of(
                "{\"event_id\":\"u-bad-1\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"12\"",
                "{\"event_id\":\"u-bad-2\",\"meter\":\"" + m + "\",\"event_time\":\"" + t + "\",\"quantity\":\"40\"}",
                "{\"event_id\":\"u-bad-3\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"-250\"}",
                "{\"event_id\":\"u-bad-4\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"12abc\"}",
                "{\"event_id\":\"u-bad-5\",\"account_id\":\"" + a + "\",\"meter\":\"" + m
                        + "\",\"event_time\":\"2026-02-30T25:61:00Z\",\"quantity\":\"3\"}",
                "not json at all",
                "{\"event_id\":\"u-bad-7\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"-1\"}",
                "{\"event_id\":\"u-bad-8\",\"account_id\":\"" + a + "\",\"meter\":\"" + m
                        + "\",\"event_time\":\"yesterday\",\"quantity\":\"5\"}");
    }

    private List<String> badReports() {
        String a = profiles.get(profiles.size() / 3).id();
        String m = o.meters().get(0);
        String t = rangeStart
                .plus(Duration.ofDays(9))
                .plus(HOUR.multipliedBy(14))
                .plusSeconds(3599)
                .toString();
        return List.of(
                "{\"report_id\":\"r-bad-1\",\"account_id\":\"" + a + "\",\"meter\":",
                "{\"report_id\":\"r-bad-2\",\"meter\":\"" + m + "\",\"event_time\":\"" + t + "\",\"quantity\":\"10\"}",
                "{\"report_id\":\"r-bad-3\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"-10\"}",
                "{\"report_id\":\"r-bad-4\",\"account_id\":\"" + a + "\",\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"ten\"}",
                "{\"report_id\":\"r-bad-5\",\"account_id\":\"" + a + "\",\"meter\":\"" + m
                        + "\",\"event_time\":\"2026-01-10 14:00\",\"quantity\":\"10\"}",
                "{\"report_id\":\"r-bad-6\",\"account_id\":null,\"meter\":\"" + m + "\",\"event_time\":\"" + t
                        + "\",\"quantity\":\"10\"}");
    }

    List<String> renderInvoices(Map<String, Integer> bad) {
        record Invoice(Instant issued, String account, String meter, long seq, String json) {}
        List<Invoice> invoices = new ArrayList<>();
        long seq = 0;
        for (Map.Entry<BilledKey, List<InvoiceRecord>> e : invoicePlan.entrySet()) {
            BilledKey key = e.getKey();
            for (InvoiceRecord r : e.getValue()) {
                ObjectNode n = DemoJson.MAPPER.createObjectNode();
                n.put("invoice_id", r.invoiceId());
                n.put("line_id", r.lineId());
                n.put("account_id", key.account());
                n.put("meter", key.meter());
                n.put("period_start", key.period().start().toString());
                n.put("period_end", key.period().end().toString());
                n.put("quantity", DemoJson.quantity(r.quantity()));
                n.put("amount_minor", r.amountMinor());
                n.put("currency", r.currency());
                n.put("status", r.status());
                invoices.add(new Invoice(key.period().end(), key.account(), key.meter(), seq++, DemoJson.line(n)));
            }
        }
        // Issued at period end; the records of one line keep their order, so a later one replaces.
        invoices.sort(Comparator.comparing(Invoice::issued)
                .thenComparing(Invoice::account)
                .thenComparing(Invoice::meter)
                .thenComparingLong(Invoice::seq));
        List<String> lines = new ArrayList<>();
        for (Invoice i : invoices) {
            lines.add(i.json());
        }
        stats.put("invoice_lines", (long) lines.size());
        String a = profiles.get(profiles.size() / 4).id();
        String m = o.meters().get(0);
        String ps = rangeStart.toString();
        String pe = rangeStart.atZone(ZoneOffset.UTC).plusMonths(1).toInstant().toString();
        return withBadLines(
                DemoWorkload.INVOICES_FILE,
                lines,
                List.of(
                        "{\"invoice_id\":\"in_bad_1\",\"line_id\":\"il_bad_1\",\"account_id\":\"" + a,
                        "{\"invoice_id\":\"in_bad_2\",\"line_id\":\"il_bad_2\",\"meter\":\"" + m
                                + "\",\"period_start\":\""
                                + ps + "\",\"period_end\":\"" + pe
                                + "\",\"quantity\":\"1\",\"amount_minor\":100,\"currency\":\"usd\",\"status\":\"open\"}",
                        "{\"invoice_id\":\"in_bad_3\",\"line_id\":\"il_bad_3\",\"account_id\":\"" + a
                                + "\",\"meter\":\""
                                + m + "\",\"period_start\":\"" + ps + "\",\"period_end\":\"" + pe
                                + "\",\"quantity\":\"-3\",\"amount_minor\":100,\"currency\":\"usd\",\"status\":\"open\"}",
                        "{\"invoice_id\":\"in_bad_4\",\"line_id\":\"il_bad_4\",\"account_id\":\"" + a
                                + "\",\"meter\":\""
                                + m + "\",\"period_start\":\"first of January\",\"period_end\":\"" + pe
                                + "\",\"quantity\":\"3\",\"amount_minor\":100,\"currency\":\"usd\",\"status\":\"open\"}"),
                bad);
    }

    /** Inserts malformed lines at seeded random places; they carry no truth and belong in the dead letters. */
    private List<String> withBadLines(
            String file, List<String> lines, List<String> badLines, Map<String, Integer> bad) {
        List<String> out = new ArrayList<>(lines);
        for (String b : badLines) {
            out.add(rng.nextInt(out.size() + 1), b);
        }
        bad.put(file, badLines.size());
        return out;
    }
}
