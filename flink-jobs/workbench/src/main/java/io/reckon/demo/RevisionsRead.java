package io.reckon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.demo.DemoReport.Finding;
import io.reckon.demo.DemoReport.Identity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The anomaly revisions of a run, read into one {@link Finding} per anomaly.
 *
 * @param findings each anomaly as its revisions leave it, in the order first read
 * @param revisions the revisions read
 * @param unreadable lines that are not JSON or lack the type, account or period start
 */
record RevisionsRead(Map<Identity, Finding> findings, int revisions, int unreadable) {

    /** Reads one JSON object per line (spec §4); blank lines are skipped. */
    static RevisionsRead of(List<String> anomalyLines) {
        Map<Identity, List<JsonNode>> revisions = new LinkedHashMap<>();
        int read = 0;
        int unreadable = 0;
        for (String line : anomalyLines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = DemoJson.MAPPER.readTree(line);
                Identity id = new Identity(
                        DemoJson.text(n, "type"),
                        DemoJson.text(n, "account_id"),
                        DemoJson.text(n, "meter"),
                        DemoJson.time(n.get("period_start")));
                if (id.type() == null || id.accountId() == null || id.periodStart() == null) {
                    unreadable++;
                    continue;
                }
                revisions.computeIfAbsent(id, k -> new ArrayList<>()).add(n);
                read++;
            } catch (IOException e) {
                unreadable++;
            }
        }

        Map<Identity, Finding> findings = new LinkedHashMap<>();
        revisions.forEach((id, revs) -> findings.put(id, finding(id, revs)));
        return new RevisionsRead(findings, read, unreadable);
    }

    private static Finding finding(Identity id, List<JsonNode> revs) {
        JsonNode last = null;
        int lastRevision = Integer.MIN_VALUE;
        JsonNode firstOpen = null;
        int firstOpenRevision = Integer.MAX_VALUE;
        JsonNode lastOpen = null;
        int lastOpenRevision = Integer.MIN_VALUE;
        for (JsonNode n : revs) {
            int revision = n.path("revision").asInt();
            // >= keeps the later line when a revision is repeated (an at-least-once sink).
            if (revision >= lastRevision) {
                lastRevision = revision;
                last = n;
            }
            if (!"resolved".equals(DemoJson.text(n, "status")) && revision < firstOpenRevision) {
                firstOpenRevision = revision;
                firstOpen = n;
            }
            if (!"resolved".equals(DemoJson.text(n, "status")) && revision >= lastOpenRevision) {
                lastOpenRevision = revision;
                lastOpen = n;
            }
        }
        // A signal's figures are those it was raised with; its resolved revision carries a backfill's.
        JsonNode amountFrom = DemoReport.SIGNAL_TYPES.contains(id.type()) && lastOpen != null ? lastOpen : last;
        return new Finding(
                id,
                lastRevision,
                DemoJson.text(last, "status"),
                amountFrom.path("amount_minor").asLong(),
                DemoJson.text(last, "currency"),
                last.path("final").asBoolean(false),
                firstOpen == null ? null : DemoJson.time(firstOpen.get("event_time_watermark")));
    }
}
