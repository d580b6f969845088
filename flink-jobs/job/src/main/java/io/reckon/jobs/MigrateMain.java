package io.reckon.jobs;

import io.reckon.connectors.jdbc.JdbcOptions;
import io.reckon.connectors.jdbc.MigrationOptions;
import io.reckon.connectors.jdbc.SchemaMigrations;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * The schema migrations from the job jar, for the chart's migration Job: {@code java -cp
 * /opt/flink/usrlib/reckon.jar:/opt/flink/lib/* io.reckon.jobs.MigrateMain -D jdbc.url=... -D ...}. The same
 * step as {@code reckon migrate} of the workbench, which the image does not carry. Options as there:
 * {@code --config FILE} (Flink-style YAML), {@code RECKON_*} environment variables, then {@code -D key=value}
 * (hand-parsed: two options do not justify a command-line library inside the job jar).
 */
public final class MigrateMain {

    private MigrateMain() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.getenv(), System.out, System.err));
    }

    /** Runs the migrations; returns the exit status (0 done, 2 refused options). */
    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        Configuration conf;
        try {
            conf = configuration(args, env);
        } catch (IllegalArgumentException e) {
            err.println("migrate: " + e.getMessage());
            err.println("usage: MigrateMain [--config FILE] [-D key=value]...");
            return 2;
        }
        int applied = SchemaMigrations.migrate(conf);
        out.printf(
                "Schema of %s is current: %d migration(s) applied now as %s; writer %s, reader %s.%n",
                conf.get(JdbcOptions.URL),
                applied,
                conf.get(JdbcOptions.USERNAME),
                conf.get(MigrationOptions.WRITER_ROLE),
                conf.get(MigrationOptions.READER_ROLE));
        return 0;
    }

    static Configuration configuration(List<String> args, Map<String, String> env) {
        Path config = null;
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args.get(++i);
            switch (arg) {
                case "--config" -> config = Path.of(value);
                case "-D", "--set" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("expected key=value after " + arg + ", got " + value);
                    }
                    settings.put(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        Configuration conf = ReckonConfiguration.load(config, env);
        conf.addAll(Configuration.fromMap(settings));
        ReckonConfiguration.validate(conf);
        if (conf.getOptional(JdbcOptions.URL).isEmpty()) {
            throw new IllegalArgumentException(JdbcOptions.URL.key() + " is not set");
        }
        return conf;
    }
}
