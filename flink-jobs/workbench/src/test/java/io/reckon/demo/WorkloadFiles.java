package io.reckon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.ContractHistory;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a written workload back the way the job would: parse every line, set malformed ones aside,
 * deduplicate by id per account, aggregate per (account, meter, period) with the contract's
 * aggregation and price with the pricing engine. Independent of the generator's own bookkeeping.
 */
final class WorkloadFiles {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Rec(String id, String account, String meter, Instant time, BigDecimal quantity, String json) {}

    record PeriodKey(String account, String meter, Instant periodStart) {}

    /** Sum, max or count so far, plus the record count, of one side of one key. */
    static final class Figures {
        BigDecimal actual = BigDecimal.ZERO;
        BigDecimal reported = BigDecimal.ZERO;
    }

    final Map<String, ContractHistory> contracts = new LinkedHashMap<>();
    final List<JsonNode> contractNodes = new ArrayList<>();
    final List<Rec> usageLines = new ArrayList<>();
    final List<Rec> reportLines = new ArrayList<>();
    final List<JsonNode> invoices = new ArrayList<>();
    final Map<String, Integer> badLines = new LinkedHashMap<>();
    final Map<String, Integer> duplicateLines = new LinkedHashMap<>();
    final Map<PeriodKey, Figures> figures = new LinkedHashMap<>();
    /** What each invoiced (account, meter, period) was billed, as spec §1 and §3 define it. */
    final Map<PeriodKey, Billed> billed = new LinkedHashMap<>();
    /** Invoice records in another currency than their account's contract (bad input). */
    final List<JsonNode> wrongCurrencyInvoices = new ArrayList<>();

    /** The non-void lines of one period: whether there is any, and their amounts added up. */
    record Billed(boolean anyLine, long amountMinor) {}

    static WorkloadFiles read(Path dir) throws IOException {
        WorkloadFiles w = new WorkloadFiles();
        for (String line : Files.readAllLines(dir.resolve(DemoWorkload.CONTRACTS_FILE))) {
            try {
                JsonNode n = MAPPER.readTree(line);
                ContractVersion v = ContractBook.parse(n);
                w.contractNodes.add(n);
                w.contracts
                        .computeIfAbsent(v.accountId(), a -> new ContractHistory())
                        .put(v);
            } catch (IOException | RuntimeException bad) {
                w.badLines.merge(DemoWorkload.CONTRACTS_FILE, 1, Integer::sum);
            }
        }
        w.readRecords(dir, DemoWorkload.USAGE_FILE, "event_id", w.usageLines);
        w.readRecords(dir, DemoWorkload.REPORTED_FILE, "report_id", w.reportLines);
        for (String line : Files.readAllLines(dir.resolve(DemoWorkload.INVOICES_FILE))) {
            try {
                JsonNode n = MAPPER.readTree(line);
                if (!n.hasNonNull("account_id")
                        || new BigDecimal(n.get("quantity").asText()).signum() < 0) {
                    throw new IllegalArgumentException("bad invoice line");
                }
                Instant.parse(n.get("period_start").asText());
                Instant.parse(n.get("period_end").asText());
                w.invoices.add(n);
            } catch (IOException | RuntimeException bad) {
                w.badLines.merge(DemoWorkload.INVOICES_FILE, 1, Integer::sum);
            }
        }
        w.aggregate(w.usageLines, true);
        w.aggregate(w.reportLines, false);
        w.bill();
        return w;
    }

    private void readRecords(Path dir, String file, String idField, List<Rec> out) throws IOException {
        for (String line : Files.readAllLines(dir.resolve(file))) {
            try {
                JsonNode n = MAPPER.readTree(line);
                String account =
                        n.hasNonNull("account_id") ? n.get("account_id").asText() : null;
                BigDecimal q = new BigDecimal(n.get("quantity").asText());
                if (account == null || q.signum() < 0) {
                    throw new IllegalArgumentException("bad record");
                }
                out.add(new Rec(
                        n.get(idField).asText(),
                        account,
                        n.get("meter").asText(),
                        Instant.parse(n.get("event_time").asText()),
                        q,
                        line));
            } catch (IOException | DateTimeParseException | IllegalArgumentException bad) {
                badLines.merge(file, 1, Integer::sum);
            }
        }
    }

    private void aggregate(List<Rec> lines, boolean actual) {
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        for (Rec r : lines) {
            if (!seen.add(r.account() + "/" + r.id())) {
                duplicates++;
                continue;
            }
            ContractHistory history = contracts.get(r.account());
            BillingPeriod period = BillingPeriod.containing(
                    r.time(), history.latestEffectiveAt(r.time()).orElseThrow().billingAnchorDay());
            MeterTerms terms = terms(r.account(), r.meter(), period.start()).orElseThrow();
            Figures f =
                    figures.computeIfAbsent(new PeriodKey(r.account(), r.meter(), period.start()), k -> new Figures());
            if (actual) {
                f.actual = terms.aggregation().fold(f.actual, r.quantity());
            } else {
                f.reported = terms.aggregation().fold(f.reported, r.quantity());
            }
        }
        duplicateLines.put(actual ? DemoWorkload.USAGE_FILE : DemoWorkload.REPORTED_FILE, duplicates);
    }

    /**
     * A later record of a line_id replaces the earlier one; void lines count as absent; a line
     * belongs to the period containing its period_start; a line in another currency than the
     * contract is set aside, as the job dead-letters it.
     */
    private void bill() {
        Map<String, JsonNode> byLineId = new LinkedHashMap<>();
        for (JsonNode n : invoices) {
            String account = n.get("account_id").asText();
            Instant periodStart = Instant.parse(n.get("period_start").asText());
            ContractVersion contract =
                    contracts.get(account).applicableTo(periodStart).orElseThrow();
            if (!contract.currency().equals(n.get("currency").asText())) {
                wrongCurrencyInvoices.add(n);
                continue;
            }
            byLineId.put(account + "/" + n.get("line_id").asText(), n);
        }
        for (JsonNode n : byLineId.values()) {
            PeriodKey key = invoiceKey(n);
            Billed before = billed.getOrDefault(key, new Billed(false, 0));
            billed.put(
                    key,
                    "void".equals(n.get("status").asText())
                            ? before
                            : new Billed(
                                    true,
                                    before.amountMinor() + n.get("amount_minor").asLong()));
        }
    }

    PeriodKey invoiceKey(JsonNode line) {
        String account = line.get("account_id").asText();
        int anchor = contracts.get(account).versions().get(0).billingAnchorDay();
        Instant start = BillingPeriod.containing(
                        Instant.parse(line.get("period_start").asText()), anchor)
                .start();
        return new PeriodKey(account, line.get("meter").asText(), start);
    }

    Optional<MeterTerms> terms(String account, String meter, Instant periodStart) {
        return contracts.get(account).applicableTo(periodStart).flatMap(v -> v.meter(meter));
    }

    long price(PeriodKey key, BigDecimal quantity) {
        ContractVersion v =
                contracts.get(key.account()).applicableTo(key.periodStart()).orElseThrow();
        return Pricer.priceMinor(v, v.meter(key.meter()).orElseThrow(), key.periodStart(), quantity);
    }
}
