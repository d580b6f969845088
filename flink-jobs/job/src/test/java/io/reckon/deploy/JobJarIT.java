package io.reckon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job jar the image ships ({@code target/reckon.jar}, built by {@code ./mvnw package}): the jobs and what they
 * need on a cluster are inside, the workbench, the dev stack and Flink itself are not. Runs after package
 * (failsafe, {@code ./mvnw verify}).
 */
class JobJarIT {

    static final Path JAR = Path.of("target", "reckon.jar");

    static Set<String> entries;

    @BeforeAll
    static void readJar() throws IOException {
        assertThat(JAR).as("built by ./mvnw package").isRegularFile();
        entries = new TreeSet<>();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            jar.stream().map(JarEntry::getName).forEach(entries::add);
        }
    }

    @Test
    void theEntryPointsTheChartNamesAreInsideWithTheirMainMethods() throws Exception {
        List<String> named = new ArrayList<>();
        Matcher m = Pattern.compile("entryClass:\\s*(\\S+)")
                .matcher(Files.readString(Chart.DIR.resolve("values.yaml"), StandardCharsets.UTF_8));
        while (m.find()) {
            named.add(m.group(1));
        }
        // The migration Job's class, from the rendered chart (the hook is rendered by its named template).
        named.add("io.reckon.jobs.MigrateMain");
        assertThat(named)
                .contains(
                        "io.reckon.jobs.ReconciliationMain",
                        "io.reckon.actions.ActionsMain",
                        "io.reckon.ingest.stripe.StripeIngestMain");
        try (URLClassLoader loader = jarOverFlink()) {
            for (String className : named) {
                Method main = loader.loadClass(className).getMethod("main", String[].class);
                assertThat(Modifier.isStatic(main.getModifiers())).as(className).isTrue();
            }
        }
    }

    @Test
    void theConnectorsAvroTheRegistryClientAndTheMigrationsAreInside() {
        assertThat(entries)
                .contains(
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                        "org/apache/flink/connector/base/source/reader/SourceReaderBase.class",
                        "org/apache/flink/connector/jdbc/core/datastream/sink/JdbcSink.class",
                        "org/apache/kafka/clients/consumer/KafkaConsumer.class",
                        "org/apache/avro/Schema.class",
                        "org/apache/flink/avro/registry/confluent/shaded/io/confluent/kafka/schemaregistry/client/"
                                + "SchemaRegistryClientFactory.class",
                        "org/postgresql/Driver.class",
                        "org/flywaydb/core/Flyway.class",
                        "db/migration/V1__sink_tables.sql",
                        "com/stripe/StripeClient.class",
                        "io/reckon/connectors/kafka/KafkaConnectors.class",
                        "io/reckon/connectors/registry/ConfluentAvroCodec.class",
                        "io/reckon/pricing/Checks.class");
        assertThat(entries.stream().filter(e -> e.startsWith("io/reckon/avro/") && e.endsWith(".class")))
                .as("the generated Avro contracts")
                .isNotEmpty();
    }

    @Test
    void serviceFilesAreMergedSoTheDriverAndFlywaysPostgresSupportAreFound() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(read(jar, "META-INF/services/java.sql.Driver")).contains("org.postgresql.Driver");
            assertThat(read(jar, "META-INF/services/org.flywaydb.core.extensibility.Plugin"))
                    .contains("org.flywaydb.database.postgresql.PostgreSQLDatabaseType");
        }
    }

    @Test
    void theConfluentBundlesTrapsAreFilteredOut() throws Exception {
        // Its unshaded flink-avro classes are built against its own shaded Avro.
        assertThat(entries).noneMatch(e -> e.startsWith("org/apache/flink/formats/"));
        // Its commons-io is older than Avro 1.12 needs: the jar's must have FileTimes.fromUnixTime.
        try (URLClassLoader loader = jarOnly()) {
            Class<?> fileTimes = loader.loadClass("org.apache.commons.io.file.attribute.FileTimes");
            assertThat(fileTimes.getMethod("fromUnixTime", long.class)).isNotNull();
        }
    }

    @Test
    void noWorkbenchNoDevStackNoFlinkRuntimeNoBrokerNoPostgresBinariesNoWireMock() {
        List<String> forbidden = List.of(
                // the workbench and the embedded dev stack
                "io/reckon/bench/",
                "io/reckon/cli/",
                "io/reckon/demo/",
                "io/reckon/replay/",
                "io/reckon/connectors/embedded/",
                "picocli/",
                "reckon-cli-log4j2.xml",
                // Flink itself and logging: the cluster's
                "org/apache/flink/runtime/",
                "org/apache/flink/api/",
                "org/apache/flink/configuration/",
                "org/apache/flink/client/",
                "org/apache/flink/streaming/api/",
                "org/apache/flink/streaming/runtime/",
                "org/apache/flink/table/",
                "org/apache/flink/state/",
                "org/apache/flink/contrib/streaming/state/",
                "org/rocksdb/",
                "org/apache/logging/log4j/",
                "org/slf4j/",
                // the Kafka broker and Scala
                "kafka/server/",
                "kafka/Kafka.class",
                "org/apache/kafka/server/BrokerServer",
                "org/apache/kafka/raft/",
                "org/apache/kafka/storage/",
                "scala/",
                // embedded PostgreSQL and its binaries
                "io/zonky/",
                "postgres-linux",
                // WireMock, its Jetty, and the dev stack's registry
                "com/github/tomakehurst/",
                "wiremock/",
                "org/eclipse/jetty/",
                "io/apicurio/");
        for (String prefix : forbidden) {
            assertThat(entries).as(prefix).noneMatch(e -> e.startsWith(prefix) || e.endsWith(".txz"));
        }
        assertThat(entries)
                .filteredOn(e -> e.startsWith("org/apache/flink/") && e.endsWith(".class"))
                .as("Flink classes in the jar are connectors and the relocated registry client only")
                .allMatch(e -> e.startsWith("org/apache/flink/connector/")
                        || e.startsWith("org/apache/flink/streaming/connectors/kafka/")
                        || e.startsWith("org/apache/flink/streaming/util/serialization/")
                        || e.startsWith("org/apache/flink/avro/registry/")
                        || e.startsWith("org/apache/flink/avro/shaded/"));
    }

    private static URLClassLoader jarOnly() throws IOException {
        // The platform class loader as parent: nothing from the test class path can stand in.
        return new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    /**
     * The jar as a cluster loads it: child-first over Flink and logging (Flink's lib/), and nothing else of the
     * test class path.
     */
    private static URLClassLoader jarOverFlink() throws IOException {
        ClassLoader test = JobJarIT.class.getClassLoader();
        ClassLoader flinkLib = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.startsWith("org.apache.flink.")
                        || name.startsWith("org.slf4j.")
                        || name.startsWith("org.apache.logging.log4j.")) {
                    return test.loadClass(name);
                }
                throw new ClassNotFoundException(name);
            }
        };
        return new URLClassLoader(new URL[] {JAR.toUri().toURL()}, flinkLib) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null) {
                        try {
                            loaded = findClass(name);
                        } catch (ClassNotFoundException notInJar) {
                            loaded = super.loadClass(name, false);
                        }
                    }
                    return loaded;
                }
            }
        };
    }

    private static String read(JarFile jar, String name) throws IOException {
        JarEntry entry = jar.getJarEntry(name);
        assertThat(entry).as(name).isNotNull();
        return new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
    }
}
