package io.reckon.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reckon.jobs.records.ForecastRecord;
import io.reckon.jobs.sinks.OutputRecords;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Replay's {@code --forecasts} file: every forecast revision of the run as a JSON line. Each sink subtask
 * and attempt appends to its own part file under a directory; after the job, {@link #merge} writes one
 * line per (account, meter, period, as_of, final) in that order. A restarted attempt forecasts the same
 * hours again with the same figures (a forecast is a function of the records before its as_of), so the
 * lines an earlier attempt left are the same lines, written once.
 *
 * <p>Hand-written rather than Flink's FileSink: FileSink commits part files only on checkpoints and
 * names them itself; a bounded local replay needs one small file, readable after the job.
 */
final class ForecastLines implements Sink<ForecastRecord> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String directory;

    ForecastLines(Path directory) {
        this.directory = directory.toString();
    }

    @Override
    public SinkWriter<ForecastRecord> createWriter(WriterInitContext context) throws IOException {
        Path part = Path.of(directory)
                .resolve("part-" + context.getTaskInfo().getIndexOfThisSubtask() + "-"
                        + context.getTaskInfo().getAttemptNumber() + ".jsonl");
        BufferedWriter out = Files.newBufferedWriter(part, StandardCharsets.UTF_8);
        return new SinkWriter<>() {
            @Override
            public void write(ForecastRecord f, Context ctx) throws IOException {
                out.write(OutputRecords.toJson(f));
                out.newLine();
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    /** Writes the lines of the part files under {@code directory} to {@code out}; returns how many. */
    static long merge(Path directory, Path out) throws IOException {
        Map<String, JsonNode> lines = new LinkedHashMap<>();
        try (Stream<Path> parts = Files.list(directory)) {
            for (Path part : parts.sorted().toList()) {
                try (Stream<String> l = Files.lines(part, StandardCharsets.UTF_8)) {
                    l.forEach(line -> {
                        try {
                            JsonNode n = JSON.readTree(line);
                            lines.put(identity(n), n);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
        }
        List<JsonNode> sorted = new ArrayList<>(lines.values());
        sorted.sort(Comparator.comparing((JsonNode n) -> n.get("account_id").asText())
                .thenComparing(n -> n.get("meter").asText())
                .thenComparing(n -> n.get("period_start").asText())
                .thenComparing(n -> n.get("as_of").asText())
                .thenComparing(n -> n.get("final").asBoolean()));
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (JsonNode n : sorted) {
                w.write(n.toString());
                w.newLine();
            }
        }
        return sorted.size();
    }

    private static String identity(JsonNode n) {
        return n.get("account_id").asText()
                + '\u0000'
                + n.get("meter").asText()
                + '\u0000'
                + n.get("period_start").asText()
                + '\u0000'
                + n.get("as_of").asText()
                + '\u0000'
                + n.get("final").asBoolean();
    }
}
