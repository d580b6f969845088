package io.reckon.connectors.registry;

import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * What decides whether records written with one schema can be read with another ({@link
 * ConfluentAvroCodec}): Avro's reader-writer compatibility, plus logical types, which Avro's checker
 * ignores; and whether a schema's values can hold arrays (they are then read with {@link
 * ListArraySpecificData}). Pure functions of the two schemas.
 */
final class SchemaPairs {

    private SchemaPairs() {}

    /** Why records of {@code writer} cannot be read as {@code reader}, or null when they can. */
    static String incompatibility(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return compatibility.getResult().getIncompatibilities().stream()
                    .limit(3)
                    .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                    .collect(Collectors.joining("; "));
        }
        return logicalTypeMismatch(reader, writer, "");
    }

    /** Whether values of {@code schema} can hold an Avro array anywhere inside. */
    static boolean holdsArray(Schema schema, Set<String> seen) {
        return switch (schema.getType()) {
            case ARRAY -> true;
            case MAP -> holdsArray(schema.getValueType(), seen);
            case UNION -> schema.getTypes().stream().anyMatch(t -> holdsArray(t, seen));
            case RECORD ->
                seen.add(schema.getFullName())
                        && schema.getFields().stream().anyMatch(f -> holdsArray(f.schema(), seen));
            default -> false;
        };
    }

    /**
     * Avro's resolution promotes string to bytes, so a decimal written as a string would be read as the
     * unscaled bytes of its text: "12.5" becomes 0.825372213. A reader field with a logical type (a
     * decimal, a timestamp) therefore requires the same logical type, and for decimals the same scale,
     * on the writer side. Returns the first mismatch, or null. Hand-written: Avro's compatibility
     * checker ignores logical types by design.
     */
    static String logicalTypeMismatch(Schema reader, Schema writer, String path) {
        if (reader.getType() == Schema.Type.UNION) {
            if (writer.getType() == Schema.Type.UNION) {
                for (Schema w : writer.getTypes()) {
                    Schema r = reader.getTypes().stream()
                            .filter(b -> b.getType() == w.getType()
                                    || (b.getLogicalType() != null
                                            && w.getType() != Schema.Type.NULL
                                            && b.getType() != Schema.Type.NULL))
                            .findFirst()
                            .orElse(null);
                    if (r != null) {
                        String m = logicalTypeMismatch(r, w, path);
                        if (m != null) {
                            return m;
                        }
                    }
                }
                return null;
            }
            for (Schema r : reader.getTypes()) {
                if (r.getType() != Schema.Type.NULL) {
                    return logicalTypeMismatch(r, writer, path);
                }
            }
            return null;
        }
        org.apache.avro.LogicalType expected = reader.getLogicalType();
        if (expected != null) {
            org.apache.avro.LogicalType actual = writer.getLogicalType();
            if (actual == null || !actual.getName().equals(expected.getName())) {
                return "field " + path + " is written as " + writer.getType().getName()
                        + (actual == null ? "" : " (" + actual.getName() + ")") + " but must be " + expected.getName();
            }
            if (expected instanceof org.apache.avro.LogicalTypes.Decimal d
                    && ((org.apache.avro.LogicalTypes.Decimal) actual).getScale() != d.getScale()) {
                return "field " + path + " is written with decimal scale "
                        + ((org.apache.avro.LogicalTypes.Decimal) actual).getScale() + " but must have scale "
                        + d.getScale();
            }
            return null;
        }
        switch (reader.getType()) {
            case RECORD:
                if (writer.getType() != Schema.Type.RECORD) {
                    return null;
                }
                for (Schema.Field rf : reader.getFields()) {
                    Schema.Field wf = writer.getField(rf.name());
                    if (wf != null) {
                        String m = logicalTypeMismatch(
                                rf.schema(), wf.schema(), path.isEmpty() ? rf.name() : path + "." + rf.name());
                        if (m != null) {
                            return m;
                        }
                    }
                }
                return null;
            case ARRAY:
                return writer.getType() == Schema.Type.ARRAY
                        ? logicalTypeMismatch(reader.getElementType(), writer.getElementType(), path + "[]")
                        : null;
            case MAP:
                return writer.getType() == Schema.Type.MAP
                        ? logicalTypeMismatch(reader.getValueType(), writer.getValueType(), path + "{}")
                        : null;
            default:
                return null;
        }
    }
}
