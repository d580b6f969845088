package io.reckon.connectors.embedded;

import io.reckon.connectors.jdbc.JdbcOptions;
import io.reckon.connectors.jdbc.SchemaMigrations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole dev stack in one call: a real Kafka broker, a real PostgreSQL with the sink tables
 * migrated by their owner (the jobs connect as the writer role, dashboards as the reader), and a
 * Schema Registry URL. Used by the demo, the replay command and integration tests.
 *
 * <p>The registry is a real one over HTTP ({@link EmbeddedSchemaRegistry}: Apicurio Registry's
 * Confluent-compatible API, in a child JVM), shared by every stack of this JVM, so producers outside
 * this JVM can write Avro to the stack's topics as they would in production.
 *
 * <pre>{@code
 * try (EmbeddedStack stack = EmbeddedStack.start(Path.of("target/stack"))) {
 *     Configuration conf = stack.connectorConfig();   // kafka.*, jdbc.*, schema-registry.url
 *     StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
 *     ...
 * }
 * }</pre>
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

    // The Kafka and registry options belong to other packages; the literal keys keep this class free
    // of a dependency on them. They must match KafkaOptions.BOOTSTRAP_SERVERS and SchemaRegistryOptions.URL.
    static final String KAFKA_BOOTSTRAP_SERVERS_KEY = "kafka.bootstrap-servers";
    static final String SCHEMA_REGISTRY_URL_KEY = "schema-registry.url";

    private final EmbeddedKafka kafka;
    private final EmbeddedPostgres postgres;
    private final String schemaRegistryUrl;
    private final Duration startup;

    private EmbeddedStack(EmbeddedKafka kafka, EmbeddedPostgres postgres, String schemaRegistryUrl, Duration startup) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.schemaRegistryUrl = schemaRegistryUrl;
        this.startup = startup;
    }

    /**
     * Starts Kafka (in {@code workDir/kafka}), PostgreSQL (in {@code workDir/postgres}) and, unless this
     * JVM already runs it, the schema registry in parallel, then applies the schema migrations. If one
     * fails, the others are stopped again (the shared registry stays for the next stack).
     */
    public static EmbeddedStack start(Path workDir) {
        long started = System.nanoTime();
        Path dir = workDir.toAbsolutePath();
        // The broker's JVM and the postmaster are separate processes that mostly wait on their own
        // startup, so starting them side by side takes about as long as the slower of the two.
        CompletableFuture<EmbeddedKafka> kafkaStart =
                CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dir.resolve("kafka")), daemonExecutor());
        // Started once per JVM; a later stack finds it running.
        CompletableFuture<EmbeddedSchemaRegistry> registryStart =
                CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::shared, daemonExecutor());
        EmbeddedPostgres postgres = null;
        EmbeddedKafka kafka = null;
        String registry;
        try {
            postgres = EmbeddedPostgres.start(dir.resolve("postgres"));
            SchemaMigrations.migrate(postgres.jdbcUrl(), postgres.username(), postgres.password());
            kafka = join(kafkaStart);
            registry = join(registryStart).url();
        } catch (RuntimeException e) {
            if (postgres != null) {
                postgres.close();
            }
            // Do not leave a broker behind when PostgreSQL failed first (or close it if it made it).
            if (kafka != null) {
                kafka.close();
            } else {
                kafkaStart.thenAccept(EmbeddedKafka::close);
            }
            throw e;
        }
        Duration startup = Duration.ofNanos(System.nanoTime() - started);
        LOG.info(
                "Embedded stack ready in {} ms: Kafka {}, PostgreSQL {}, Schema Registry {}",
                startup.toMillis(),
                kafka.bootstrapServers(),
                postgres.jdbcUrl(),
                registry);
        return new EmbeddedStack(kafka, postgres, registry, startup);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl();
    }

    /** The role that owns the sink tables (it ran the migrations): for tooling and tests, not for jobs. */
    public String jdbcUsername() {
        return postgres.username();
    }

    /** The password of {@link #jdbcUsername()}. */
    public String jdbcPassword() {
        return postgres.password();
    }

    /** The jobs' login: rows of the sink tables, no DDL ({@link #connectorConfig()} uses it). */
    public EmbeddedPostgres.Login jdbcWriter() {
        return postgres.writer();
    }

    /** The dashboards' login: reads only. */
    public EmbeddedPostgres.Login jdbcReader() {
        return postgres.reader();
    }

    /**
     * The registry's Confluent-compatible URL, {@code http://127.0.0.1:<port>/apis/ccompat/v7}: for this
     * JVM's clients and for producers outside it.
     */
    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    /** How long {@link #start(Path)} took, migrations included. */
    public Duration startupTime() {
        return startup;
    }

    /**
     * The connection settings of the stack under the keys the connector options read: {@code
     * kafka.bootstrap-servers}, {@code jdbc.url}, {@code jdbc.username}, {@code jdbc.password} and
     * {@code schema-registry.url}. The database login is the jobs' writer role, as in production; its
     * password is a random one of this stack only.
     */
    public Configuration connectorConfig() {
        Configuration conf = new Configuration();
        conf.set(ConfigOptions.key(KAFKA_BOOTSTRAP_SERVERS_KEY).stringType().noDefaultValue(), bootstrapServers());
        conf.set(JdbcOptions.URL, jdbcUrl());
        conf.set(JdbcOptions.USERNAME, jdbcWriter().username());
        conf.set(JdbcOptions.PASSWORD, jdbcWriter().password());
        conf.set(ConfigOptions.key(SCHEMA_REGISTRY_URL_KEY).stringType().noDefaultValue(), schemaRegistryUrl);
        return conf;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }

    /** Stops Kafka and PostgreSQL (in parallel); their data stays in the work directory. */
    @Override
    public void close() {
        CompletableFuture<Void> kafkaStop = CompletableFuture.runAsync(kafka::close, daemonExecutor());
        try {
            postgres.close();
        } finally {
            join(kafkaStop);
        }
    }

    private static Executor daemonExecutor() {
        return task -> {
            Thread thread = new Thread(task, "embedded-stack");
            thread.setDaemon(true);
            thread.start();
        };
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }
}
