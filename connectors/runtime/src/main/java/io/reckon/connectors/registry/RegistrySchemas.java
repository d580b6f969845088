package io.reckon.connectors.registry;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.ParsedSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchemaProvider;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClientFactory;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;

/**
 * The schema registry as {@link ConfluentAvroCodec} sees it: the id of a schema a writer uses
 * (registered or looked up) and the writer schema behind an id a reader meets, each asked of the
 * registry once and cached. The client is made on first use, so a codec that travels to a task manager
 * connects there.
 */
final class RegistrySchemas {

    private final List<String> urls;
    private final int cacheCapacity;
    private final boolean autoRegister;
    private final Map<String, Object> clientConfigs;

    private volatile SchemaRegistryClient client;
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    /**
     * Writer schemas by id, shared by every codec of this JVM that talks to the same registry: a registry
     * never changes the schema behind an id, so a schema fetched (or registered) once serves every
     * source and sink of the process, and a job's first records decode without a round trip. Bounded by
     * the number of schemas in the registry.
     */
    private static final ConcurrentMap<List<String>, ConcurrentMap<Integer, Schema>> WRITER_SCHEMAS =
            new ConcurrentHashMap<>();

    private final Map<Integer, Schema> writerSchemas;
    /** Schema ids the registry refused (4xx), with the reason, until their refusal expires. */
    private final RegistryRefusals refusals = new RegistryRefusals();

    RegistrySchemas(List<String> urls, int cacheCapacity, boolean autoRegister, Map<String, Object> clientConfigs) {
        this.urls = List.copyOf(urls);
        this.cacheCapacity = cacheCapacity;
        this.autoRegister = autoRegister;
        this.clientConfigs = clientConfigs;
        this.writerSchemas = WRITER_SCHEMAS.computeIfAbsent(this.urls, k -> new ConcurrentHashMap<>());
    }

    /**
     * The registry id of {@code schema} under {@code subject}: registered when auto-registration is on,
     * looked up otherwise. Cached.
     */
    int schemaId(String subject, Schema schema) {
        return idsBySubjectSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            AvroSchema parsed = new AvroSchema(schema.toString());
            try {
                int id = autoRegister ? register(subject, parsed) : client().getId(subject, parsed);
                // The registry holds this schema (or one it deems the same) under the id: records
                // written with it decode with it, here and in every codec of the JVM.
                writerSchemas.putIfAbsent(id, schema);
                return id;
            } catch (RestClientException e) {
                if (!autoRegister && e.getStatus() == 404) {
                    throw new SchemaRegistryException(
                            "schema " + schema.getFullName() + " is not registered under subject " + subject + " and "
                                    + SchemaRegistryOptions.AUTO_REGISTER.key() + " is false",
                            e);
                }
                throw new SchemaRegistryException(
                        "schema registry refused schema " + schema.getFullName() + " under subject " + subject
                                + " (HTTP " + e.getStatus() + ", error " + e.getErrorCode() + "): " + e.getMessage(),
                        e);
            } catch (IOException e) {
                throw new SchemaRegistryException(
                        "schema registry " + urls + " unreachable while registering " + subject, e);
            }
        });
    }

    /**
     * Registers {@code schema} under {@code subject}. Registering is idempotent in the Confluent API, but
     * Apicurio's compatibility API answers 409 ("artifact already exists") to the loser of two parallel
     * first registrations of a subject, as when two subtasks of a sink start together; the schema is
     * then registered, and its id is looked up instead of failing the task.
     */
    private int register(String subject, AvroSchema schema) throws IOException, RestClientException {
        try {
            return client().register(subject, schema);
        } catch (RestClientException e) {
            if (e.getStatus() != 409) {
                throw e;
            }
            try {
                return client().getId(subject, schema);
            } catch (RestClientException notThere) {
                // Not registered after all: the 409 was Confluent's "incompatible schema"; report that.
                e.addSuppressed(notThere);
                throw e;
            }
        }
    }

    /**
     * The writer schema behind {@code id}: from the cache shared by the JVM's codecs, or fetched once.
     *
     * @throws UndecodableRecordException when the registry refuses the one id (404, 403 and other 4xx)
     *     or its schema is not a readable Avro schema
     * @throws SchemaRegistryException when the registry cannot answer now (unreachable, 5xx, 401, 408,
     *     429)
     */
    Schema writerSchema(int id) throws UndecodableRecordException {
        Schema cached = writerSchemas.get(id);
        if (cached != null) {
            return cached;
        }
        String refused = refusals.reason(id, System.nanoTime());
        if (refused != null) {
            throw new UndecodableRecordException(refused);
        }
        ParsedSchema parsed;
        try {
            parsed = client().getSchemaById(id);
        } catch (RestClientException e) {
            if (!RegistryRefusals.refusesTheId(e.getStatus())) {
                // 5xx, 401 (our credentials), 408 and 429: the registry cannot answer now, for any id.
                throw new SchemaRegistryException(
                        "schema registry could not return schema id " + id + " (HTTP " + e.getStatus() + ", error "
                                + e.getErrorCode() + "): " + e.getMessage(),
                        e);
            }
            // 404, 403, 410, 422...: the registry answers, and refuses this one id. The record is
            // dead-lettered; the refusal is remembered for a while so one bad id does not cost a
            // registry call per record.
            String reason = e.getStatus() == 404
                    ? "unknown schema id " + id + ": the schema registry has no schema with that id"
                    : "schema registry refused schema id " + id + " (HTTP " + e.getStatus() + ", error "
                            + e.getErrorCode() + ")";
            refusals.remember(id, reason, System.nanoTime());
            throw new UndecodableRecordException(reason, e);
        } catch (IOException e) {
            throw new SchemaRegistryException(
                    "schema registry " + urls + " unreachable while fetching schema id " + id, e);
        }
        if (!AvroSchema.TYPE.equals(parsed.schemaType())) {
            throw new UndecodableRecordException(
                    "schema id " + id + " is a " + parsed.schemaType() + " schema, not an Avro schema");
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(parsed.canonicalString());
        } catch (SchemaParseException e) {
            throw new UndecodableRecordException(
                    "schema id " + id + " does not parse as an Avro schema: " + e.getMessage(), e);
        }
        writerSchemas.putIfAbsent(id, schema);
        return schema;
    }

    private SchemaRegistryClient client() {
        SchemaRegistryClient current = client;
        if (current == null) {
            synchronized (this) {
                current = client;
                if (current == null) {
                    current = SchemaRegistryClientFactory.newClient(
                            urls, cacheCapacity, List.of(new AvroSchemaProvider()), clientConfigs, Map.of());
                    client = current;
                }
            }
        }
        return current;
    }

    private record SubjectSchema(String subject, Schema schema) {}
}
