package io.reckon.cli;

import io.reckon.connectors.kafka.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code reckon demo --keep-running} prints about the running stack: where each part listens and
 * commands that work when pasted into a shell (a test runs them). The database commands connect as the
 * read-only role through a password file in the run folder, so psql asks for nothing.
 *
 * @param kafka bootstrap servers, {@code host:port}
 * @param registryUrl the Confluent-compatible registry URL
 * @param postgresPort PostgreSQL's port on 127.0.0.1
 * @param database the database name
 * @param readerRole the read-only role the commands connect as
 * @param pgpass the password file written by {@link #writePgpass}
 * @param metricsUrl the live job's Prometheus endpoint
 */
public record LiveStackInstructions(
        String kafka,
        String registryUrl,
        int postgresPort,
        String database,
        String readerRole,
        Path pgpass,
        String metricsUrl) {

    /** The query the psql command runs: anomalies per type, with their amounts. */
    static final String ANOMALIES_QUERY = "SELECT type, count(*), sum(amount_minor) FROM anomalies GROUP BY type";

    /**
     * Writes a libpq password file (mode 0600, as psql requires) holding one line for the reader role on
     * this server, so {@code PGPASSFILE=<file> psql ...} connects without a prompt and no password appears
     * on a command line or in a shell history.
     */
    public static Path writePgpass(Path file, int port, String database, String role, String password)
            throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        // host:port:database:username:password; the generated password is hex, so nothing needs escaping.
        Files.writeString(
                file,
                "127.0.0.1:" + port + ":" + database + ":" + role + ":" + password + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.TRUNCATE_EXISTING);
        return file;
    }

    /** The psql command, without a query: an interactive session as the reader. */
    public String psql() {
        return "PGPASSFILE=" + pgpass + " psql -h 127.0.0.1 -p " + postgresPort + " -U " + readerRole + " " + database;
    }

    /** Commands to paste, each on one line. */
    public List<String> commands() {
        List<String> c = new ArrayList<>();
        c.add(psql() + " -c '" + ANOMALIES_QUERY + "'");
        c.add("curl -s " + registryUrl + "/subjects");
        c.add("curl -s " + metricsUrl + " | grep -E '^flink_taskmanager_job_task_operator_[a-z_]+_read'");
        // Keys only: the values are Avro, and Debian's kcat is built without Avro support.
        c.add("kcat -b " + kafka + " -C -t " + Topics.ANOMALIES + " -o -5 -e -q -f 'anomaly %k at offset %o\\n'");
        return c;
    }

    /** The lines printed after the live job started. */
    public String render() {
        List<String> lines = new ArrayList<>();
        lines.add("The stack keeps running:");
        lines.add("  Kafka            " + kafka);
        lines.add("  Schema registry  " + registryUrl + "  (Confluent API; Apicurio Registry)");
        lines.add("  PostgreSQL       127.0.0.1:" + postgresPort + ", database " + database + ", read-only role "
                + readerRole + " (password in " + pgpass + ")");
        lines.add("  Metrics          " + metricsUrl);
        lines.add("Query the sink tables (psql reads the password file, no prompt):");
        lines.add("  " + psql());
        lines.add("Or paste any of these:");
        for (String command : commands()) {
            lines.add("  " + command);
        }
        lines.add("Produce Confluent Avro (schemas in avro/, registered under <topic>-value) to " + Topics.USAGE + ", "
                + Topics.REPORTED + ", " + Topics.INVOICES + " or " + Topics.CONTRACTS + ", or CloudEvents JSON to "
                + Topics.USAGE_CLOUDEVENTS + " (types mapped by RECKON_CLOUDEVENTS_METERS when the demo starts);");
        lines.add("the live job reads them and writes " + Topics.ANOMALIES + ", " + Topics.DLQ
                + " and the tables. README.md, \"Feed a running stack from outside\", walks through it.");
        return String.join("\n", lines) + "\n";
    }
}
