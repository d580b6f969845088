package io.reckon.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every contract must stay BACKWARD compatible with its committed previous version: a consumer on the
 * current schema reads records written with the previous one (the Schema Registry's default rule).
 * The previous versions live in src/test/resources/compat/v1; when a release changes a schema, the
 * released version is copied there. Avro's own checker decides.
 */
class SchemaCompatibilityTest {

    private static final Path CURRENT = Path.of("src", "main", "avro");
    private static final String PREVIOUS = "/compat/v1/";

    static Stream<String> schemaFiles() throws IOException {
        try (Stream<Path> files = Files.list(CURRENT)) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".avsc"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("schemaFiles")
    void currentSchemaReadsRecordsOfThePreviousVersion(String file) throws IOException {
        Schema current = new Schema.Parser().parse(CURRENT.resolve(file).toFile());
        Schema previous = previous(file);
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
        assertThat(result.getType())
                .as("%s is not backward compatible with its previous version: %s", file, result.getResult())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    /**
     * Approvals are written by people's tools, which may move to the new schema before or after the action
     * job does; so an approval must also stay FORWARD compatible: the job still on the previous version
     * reads approvals written with the current one (it ignores the fields it does not know).
     */
    @Test
    void approvalsAreAlsoReadableByTheJobOfThePreviousVersion() throws IOException {
        Schema current =
                new Schema.Parser().parse(CURRENT.resolve("approval.avsc").toFile());
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(previous("approval.avsc"), current)
                        .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    /** A field added since the previous version is optional: a union with null first and a null default. */
    @ParameterizedTest
    @MethodSource("schemaFiles")
    void fieldsAddedSinceThePreviousVersionAreOptionalWithANullDefault(String file) throws IOException {
        Schema current = new Schema.Parser().parse(CURRENT.resolve(file).toFile());
        Schema previous = previous(file);
        for (Schema.Field field : current.getFields()) {
            if (previous.getField(field.name()) != null) {
                continue;
            }
            assertThat(field.schema().getType())
                    .as("%s: added field %s", file, field.name())
                    .isEqualTo(Schema.Type.UNION);
            assertThat(field.schema().getTypes().get(0).getType())
                    .as("%s: added field %s", file, field.name())
                    .isEqualTo(Schema.Type.NULL);
            assertThat(field.hasDefaultValue())
                    .as("%s: added field %s", file, field.name())
                    .isTrue();
            assertThat(field.defaultVal())
                    .as("%s: added field %s", file, field.name())
                    .isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        }
    }

    @Test
    void everyContractHasACommittedPreviousVersion() throws IOException {
        assertThat(schemaFiles().toList())
                .containsExactlyInAnyOrder(
                        "action.avsc",
                        "anomaly.avsc",
                        "approval.avsc",
                        "contract.avsc",
                        "dead_letter.avsc",
                        "invoice_line.avsc",
                        "reported_usage.avsc",
                        "usage_event.avsc");
        for (String f : schemaFiles().toList()) {
            assertThat(previous(f)).as(f).isNotNull();
        }
    }

    @Test
    void theCheckerRejectsAnIncompatibleChange() {
        // Guards the guard: a required field added without a default must be caught.
        Schema previous = UsageEvent.getClassSchema();
        Schema broken = new Schema.Parser()
                .parse(previous.toString()
                        .replace("\"fields\":[", "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\"},"));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, previous)
                        .getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        List<String> ok = List.of("{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null},");
        Schema evolved =
                new Schema.Parser().parse(previous.toString().replace("\"fields\":[", "\"fields\":[" + ok.get(0)));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(evolved, previous)
                        .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static Schema previous(String file) throws IOException {
        try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream(PREVIOUS + file)) {
            assertThat(in).as("previous version of " + file).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }
}
