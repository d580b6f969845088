package io.reckon.connectors.registry;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Configuration of the Confluent Schema Registry client, as Flink {@link ConfigOption}s.
 *
 * <pre>{@code
 * schema-registry.url: https://registry.internal:8081
 * schema-registry.basic-auth.user-info: reckon:...          # or env SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO
 * schema-registry.properties.ssl.truststore.location: /etc/reckon/truststore.p12
 * schema-registry.properties.ssl.truststore.password: ...
 * }</pre>
 *
 * <pre>{@code
 * ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(flinkConfig);
 * }</pre>
 */
public final class SchemaRegistryOptions {

    /** Prefix of options handed to the registry client as they are, without the prefix. */
    public static final String PROPERTIES_PREFIX = "schema-registry.properties.";

    /**
     * Environment variable read when {@link #BASIC_AUTH_USER_INFO} is not set, so the secret need not
     * sit in a configuration file.
     */
    public static final String USER_INFO_ENV = "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO";

    public static final ConfigOption<String> URL = ConfigOptions.key("schema-registry.url")
            .stringType()
            .noDefaultValue()
            .withDescription("Base URL of the Confluent Schema Registry, several separated by commas. "
                    + "mock://<scope> selects Confluent's in-memory registry (shared per JVM and scope), "
                    + "for tests and the embedded dev stack.");

    public static final ConfigOption<String> BASIC_AUTH_USER_INFO = ConfigOptions.key(
                    "schema-registry.basic-auth.user-info")
            .stringType()
            .noDefaultValue()
            .withDescription("HTTP basic credentials as user:password. When absent, the environment variable "
                    + USER_INFO_ENV + " is used if set; otherwise no authentication.");

    public static final ConfigOption<Boolean> AUTO_REGISTER = ConfigOptions.key("schema-registry.auto-register")
            .booleanType()
            .defaultValue(true)
            .withDescription("Register the writer schema under its subject when encoding. When false the schema "
                    + "must already be registered (locked-down registries); encoding then only looks its id up.");

    public static final ConfigOption<Integer> CACHE_CAPACITY = ConfigOptions.key("schema-registry.cache-capacity")
            .intType()
            .defaultValue(1000)
            .withDescription("Number of schemas the registry client keeps per cache (ids and subjects).");

    private SchemaRegistryOptions() {}

    /**
     * The configuration map for Confluent's {@code SchemaRegistryClientFactory}: basic-auth settings and
     * every {@code schema-registry.properties.*} entry with the prefix removed. TLS settings ({@code
     * ssl.*}) are handed over as {@code schema.registry.ssl.*}, the only form the client reads them in.
     */
    public static Map<String, Object> clientConfigs(ReadableConfig conf) {
        return clientConfigs(conf, System.getenv());
    }

    static Map<String, Object> clientConfigs(ReadableConfig conf, Map<String, String> env) {
        Map<String, Object> configs = new TreeMap<>();
        conf.toMap().forEach((key, value) -> {
            if (key.startsWith(PROPERTIES_PREFIX) && key.length() > PROPERTIES_PREFIX.length()) {
                String clientKey = key.substring(PROPERTIES_PREFIX.length());
                // CachedSchemaRegistryClient builds its SSLContext only from "schema.registry."-prefixed
                // keys; without the prefix a truststore setting would be silently ignored.
                if (clientKey.startsWith("ssl.")) {
                    clientKey = "schema.registry." + clientKey;
                }
                configs.put(clientKey, value);
            }
        });
        Optional<String> userInfo = conf.getOptional(BASIC_AUTH_USER_INFO)
                .or(() -> Optional.ofNullable(env.get(USER_INFO_ENV)))
                .filter(s -> !s.isBlank());
        userInfo.ifPresent(info -> {
            configs.put("basic.auth.credentials.source", "USER_INFO");
            configs.put("basic.auth.user.info", info);
        });
        return configs;
    }
}
