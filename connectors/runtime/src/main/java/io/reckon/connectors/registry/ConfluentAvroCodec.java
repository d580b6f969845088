package io.reckon.connectors.registry;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Encodes and decodes Avro specific records in the Confluent wire format: magic byte {@code 0x00}, the
 * 4-byte big-endian schema id, then the Avro binary body.
 *
 * <p>The registry client is the relocated Confluent client carried by {@code
 * flink-sql-avro-confluent-registry}; only schema strings and ids cross to it, and the bodies are
 * written and read with the real {@code org.apache.avro} library and the generated class's own {@link
 * SpecificData} model, so decimals come back as {@code BigDecimal} and timestamps as {@code Instant}.
 *
 * <p>The codec is {@link Serializable} so it can be a field of a Flink function: only its settings
 * travel; the client and the caches are built again on the task manager, on first use.
 *
 * <pre>{@code
 * ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);       // schema-registry.* options
 * byte[] value = codec.encode(ConfluentAvroCodec.valueSubject("recon.usage"), usageEvent);
 * try {
 *     UsageEvent back = codec.decode(value, UsageEvent.class);
 * } catch (UndecodableRecordException e) {
 *     deadLetter(record, e.getMessage());
 * }
 * }</pre>
 *
 * <p>Decoding distinguishes a bad record ({@link UndecodableRecordException}, checked, to be
 * dead-lettered) from a registry that cannot answer ({@link SchemaRegistryException}, unchecked, so
 * the job fails and restarts instead of dead-lettering every record of an outage).
 */
public final class ConfluentAvroCodec implements Serializable {

    private static final long serialVersionUID = 1L;

    static final byte MAGIC_BYTE = 0x00;
    static final int HEADER_LENGTH = 5;

    /** Conversions are chosen by the datum's class, so raw values (ByteBuffer, long) still pass as they are. */
    private static final GenericData GENERIC_MODEL = new GenericData();

    static {
        GENERIC_MODEL.addLogicalTypeConversion(new Conversions.DecimalConversion());
        GENERIC_MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        GENERIC_MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        GENERIC_MODEL.addLogicalTypeConversion(new TimeConversions.DateConversion());
    }

    private final ArrayList<String> urls;
    private final int cacheCapacity;
    private final boolean autoRegister;
    private final TreeMap<String, Object> clientConfigs;

    /** The registry's side: schema ids and writer schemas, with their caches. */
    private final transient RegistrySchemas registry;

    private final transient Map<ReaderKey, Resolution<?>> resolutions = new ConcurrentHashMap<>();
    /** The last resolution handed out; one immutable value, so threads sharing the codec stay consistent. */
    private transient volatile LastResolution lastResolution;

    private final transient Map<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    private ConfluentAvroCodec(
            List<String> urls, int cacheCapacity, boolean autoRegister, Map<String, Object> clientConfigs) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(SchemaRegistryOptions.URL.key() + " is not set");
        }
        if (cacheCapacity <= 0) {
            throw new IllegalArgumentException(
                    SchemaRegistryOptions.CACHE_CAPACITY.key() + " must be positive, was " + cacheCapacity);
        }
        this.urls = new ArrayList<>(urls);
        this.cacheCapacity = cacheCapacity;
        this.autoRegister = autoRegister;
        this.clientConfigs = new TreeMap<>(clientConfigs);
        this.registry = new RegistrySchemas(this.urls, cacheCapacity, autoRegister, this.clientConfigs);
    }

    /** A codec configured by the {@link SchemaRegistryOptions} in {@code conf}. */
    public static ConfluentAvroCodec fromConfig(ReadableConfig conf) {
        String url = conf.getOptional(SchemaRegistryOptions.URL)
                .orElseThrow(() -> new IllegalArgumentException(SchemaRegistryOptions.URL.key() + " is not set"));
        List<String> urls = Arrays.stream(url.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
        return new ConfluentAvroCodec(
                urls,
                conf.get(SchemaRegistryOptions.CACHE_CAPACITY),
                conf.get(SchemaRegistryOptions.AUTO_REGISTER),
                SchemaRegistryOptions.clientConfigs(conf));
    }

    /** A codec for one registry URL with default settings; {@code mock://scope} for tests. */
    public static ConfluentAvroCodec forUrl(String url) {
        Configuration conf = new Configuration();
        conf.set(SchemaRegistryOptions.URL, url);
        return fromConfig(conf);
    }

    /** Subject of a topic's values under Confluent's default TopicNameStrategy. */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }

    /**
     * Encodes {@code record} under {@code subject}, registering its schema first when {@link
     * SchemaRegistryOptions#AUTO_REGISTER} is on (looking its id up otherwise). Ids are cached, so the
     * registry is asked once per subject and schema.
     *
     * @throws IllegalArgumentException when the record does not fit its own schema (a null required
     *     field, a decimal with more fractional digits than the schema's scale)
     * @throws SchemaRegistryException when the registry cannot be reached or refuses the schema
     */
    public <T extends SpecificRecord> byte[] encode(String subject, T record) {
        Objects.requireNonNull(record, "record");
        return encode(subject, record.getSchema(), record, SpecificData.getForClass(record.getClass()));
    }

    /**
     * Like {@link #encode(String, SpecificRecord)} for a generic record, e.g. one of another schema
     * version. Decimal and timestamp fields may hold {@code BigDecimal}/{@code Instant} or their raw
     * Avro forms.
     */
    public byte[] encodeGeneric(String subject, GenericRecord record) {
        Objects.requireNonNull(record, "record");
        return encode(subject, record.getSchema(), record, GENERIC_MODEL);
    }

    private byte[] encode(String subject, Schema schema, Object datum, GenericData model) {
        Objects.requireNonNull(subject, "subject");
        int id = schemaId(subject, schema);
        DatumWriter<Object> writer = writers.computeIfAbsent(
                new WriterKey(schema, model),
                key -> model instanceof SpecificData specific
                        ? new SpecificDatumWriter<>(schema, specific)
                        : new GenericDatumWriter<>(schema, model));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot encode a " + schema.getFullName() + " record: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * The registry id of {@code schema} under {@code subject}: registered when auto-registration is on,
     * looked up otherwise. Cached.
     */
    public int schemaId(String subject, Schema schema) {
        return registry.schemaId(subject, schema);
    }

    /**
     * Decodes a Confluent-framed payload into {@code type}. The writer schema is fetched by id (once,
     * then cached) and resolved against the class's schema, so a record written with an older or newer
     * compatible schema is read correctly: added fields take their defaults, removed fields are skipped.
     *
     * @throws UndecodableRecordException with a readable reason when the payload is null or empty,
     *     shorter than the 5-byte header, has another magic byte, names a schema id the registry does
     *     not know, was written with a schema that cannot be read as {@code type}, has a truncated or
     *     corrupt body (early end, impossible lengths, invalid UTF-8), or has bytes after the record
     * @throws SchemaRegistryException when the registry cannot answer (unreachable, 5xx, 401, 408, 429);
     *     a refusal of the one id (404, 403 and other 4xx) is an {@link UndecodableRecordException}
     */
    public <T extends SpecificRecord> T decode(byte[] payload, Class<T> type) throws UndecodableRecordException {
        Objects.requireNonNull(type, "type");
        if (payload == null) {
            throw new UndecodableRecordException("payload is null (a record without a value, e.g. a tombstone)");
        }
        if (payload.length == 0) {
            throw new UndecodableRecordException("payload is empty (0 bytes)");
        }
        if (payload.length < HEADER_LENGTH) {
            throw new UndecodableRecordException("payload of " + payload.length
                    + " bytes is shorter than the 5-byte Confluent header (magic byte and 4-byte schema id)");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new UndecodableRecordException(String.format(
                    "unknown magic byte 0x%02x at offset 0 (expected 0x00 of the Confluent wire format)",
                    payload[0] & 0xff));
        }
        int id = ByteBuffer.wrap(payload, 1, 4).getInt();
        Resolution<T> resolution = resolution(id, type);

        int bodyLength = payload.length - HEADER_LENGTH;
        BinaryDecoder binary = DecoderFactory.get().binaryDecoder(payload, HEADER_LENGTH, bodyLength, null);
        BoundedStrictDecoder decoder = new BoundedStrictDecoder(binary);
        T value;
        try {
            value = resolution.reader.read(null, decoder);
        } catch (EOFException e) {
            throw new UndecodableRecordException(
                    "truncated Avro body: " + describeBody(bodyLength, id, type)
                            + " ended before the record was complete",
                    e);
        } catch (BoundedStrictDecoder.InvalidUtf8Exception e) {
            throw new UndecodableRecordException(
                    "invalid UTF-8 in " + describeBody(bodyLength, id, type) + ": " + e.getMessage(), e);
        } catch (BoundedStrictDecoder.BadLengthException e) {
            throw new UndecodableRecordException(
                    "truncated or corrupt Avro body: in " + describeBody(bodyLength, id, type) + ", " + e.getMessage(),
                    e);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableRecordException(
                    "corrupt Avro body: " + describeBody(bodyLength, id, type) + " could not be read: "
                            + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new UndecodableRecordException(decoder.remaining() + " trailing bytes after the record in "
                        + describeBody(bodyLength, id, type) + " (a wrong schema id or two records in one payload)");
            }
        } catch (IOException e) {
            throw new UndecodableRecordException(
                    "corrupt Avro body: " + describeBody(bodyLength, id, type) + ": " + e.getMessage(), e);
        }
        return value;
    }

    /** Names the body in an error; built only when there is one (decode runs for every record). */
    private static String describeBody(int bodyLength, int id, Class<?> type) {
        return "the Avro body (" + bodyLength + " bytes, schema id " + id + ", " + type.getSimpleName() + ")";
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> Resolution<T> resolution(int id, Class<T> type)
            throws UndecodableRecordException {
        // A topic's records nearly all carry the schema id of the one before: answer that without
        // hashing a key (a sizeable part of decoding a small record).
        LastResolution last = lastResolution;
        if (last != null && last.id == id && last.type == type) {
            return checked((Resolution<T>) last.resolution);
        }
        ReaderKey key = new ReaderKey(id, type);
        Resolution<T> cached = (Resolution<T>) resolutions.get(key);
        if (cached == null) {
            cached = resolve(id, type);
            // Incompatible pairs are cached too: a topic full of them must not hammer the registry.
            resolutions.putIfAbsent(key, cached);
        }
        lastResolution = new LastResolution(id, type, cached);
        return checked(cached);
    }

    private static <T extends SpecificRecord> Resolution<T> checked(Resolution<T> cached)
            throws UndecodableRecordException {
        if (cached.incompatibility != null) {
            throw new UndecodableRecordException(cached.incompatibility);
        }
        return cached;
    }

    private <T extends SpecificRecord> Resolution<T> resolve(int id, Class<T> type) throws UndecodableRecordException {
        Schema writer = registry.writerSchema(id);
        SpecificData model = SpecificData.getForClass(type);
        Schema reader = model.getSchema(type);
        String incompatibility = SchemaPairs.incompatibility(reader, writer);
        if (incompatibility != null) {
            return new Resolution<>(
                    null,
                    "writer schema id " + id + " (" + writer.getFullName() + ") is incompatible with " + type.getName()
                            + ": " + incompatibility);
        }
        // Avro's fast reader (a precomputed plan instead of a ResolvingDecoder, about twice as fast) runs
        // only for exactly SpecificData, not for a subclass: the list-array model is kept to the types
        // that hold arrays (contracts, rare), and the per-record inputs get the fast reader.
        SpecificData data = SchemaPairs.holdsArray(reader, new HashSet<>()) ? new ListArraySpecificData(model) : model;
        return new Resolution<>(new SpecificDatumReader<>(writer, reader, data), null);
    }

    /** The model that reads {@code type} from payloads carrying {@code schemaId}; for tests. */
    <T extends SpecificRecord> GenericData readerModel(int schemaId, Class<T> type) throws UndecodableRecordException {
        return resolution(schemaId, type).reader.getData();
    }

    /** Rebuilds the transient client and caches after Java deserialization (e.g. on a task manager). */
    private Object readResolve() {
        return new ConfluentAvroCodec(urls, cacheCapacity, autoRegister, clientConfigs);
    }

    @Override
    public String toString() {
        // Client configs stay out: they may carry credentials.
        return "ConfluentAvroCodec{urls=" + urls + ", autoRegister=" + autoRegister + "}";
    }

    private record ReaderKey(int id, Class<?> type) {}

    private record LastResolution(int id, Class<?> type, Resolution<?> resolution) {}

    private record WriterKey(Schema schema, GenericData model) {}

    private record Resolution<T>(SpecificDatumReader<T> reader, String incompatibility) {}
}
