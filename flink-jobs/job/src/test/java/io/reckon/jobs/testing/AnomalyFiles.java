package io.reckon.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.avro.Anomaly;
import io.reckon.jobs.sinks.OutputRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Compares anomaly revisions with a hand-written JSON Lines file, field by field. */
public final class AnomalyFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AnomalyFiles() {}

    /**
     * Asserts that the revisions, in their replay order, are exactly the lines of {@code expected}.
     * {@code detected_at} is processing time: it must be present, and is left out of the comparison.
     */
    public static void assertRevisionsEqual(List<Anomaly> revisions, Path expected) throws IOException {
        assertRevisionsEqual(revisions, expected, expected.toString());
    }

    /** As above, with a description for the failure message. */
    public static void assertRevisionsEqual(List<Anomaly> revisions, Path expected, String description)
            throws IOException {
        List<JsonNode> actual = new ArrayList<>();
        for (Anomaly a : revisions) {
            ObjectNode n = (ObjectNode) JSON.readTree(OutputRecords.toJson(a));
            assertThat(n.get("detected_at").asText()).isNotBlank();
            n.remove("detected_at");
            actual.add(n);
        }
        List<JsonNode> wanted = new ArrayList<>();
        for (String line : Files.readAllLines(expected)) {
            if (!line.isBlank()) {
                wanted.add(JSON.readTree(line));
            }
        }
        assertThat(actual).as(description).containsExactlyElementsOf(wanted);
    }
}
