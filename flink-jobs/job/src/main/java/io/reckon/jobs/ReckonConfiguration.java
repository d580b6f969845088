package io.reckon.jobs;

import io.reckon.actions.ActionOptions;
import io.reckon.connectors.jdbc.JdbcOptions;
import io.reckon.connectors.jdbc.MigrationOptions;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.registry.SchemaRegistryOptions;
import io.reckon.connectors.stripe.source.StripeSourceOptions;
import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.sources.CloudEventsOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.YamlParserUtils;

/**
 * The one configuration surface of Reckon: the Flink configuration (or a YAML file), then environment
 * overrides, then validation that fails fast with the key and the reason.
 *
 * <pre>{@code
 * // RECKON_RECONCILE_ALLOWED_LATENESS=8h overrides reconcile.allowed-lateness
 * Configuration conf = ReckonConfiguration.load(Path.of("reckon.yaml"), System.getenv());
 * }</pre>
 *
 * <p>Flink itself ignores keys it does not know, so a misspelt {@code reconcile.alowed-lateness}
 * would silently run with the default; every key under Reckon's prefixes is therefore checked
 * against the declared options.
 */
public final class ReckonConfiguration {

    /** Prefix of environment overrides: RECKON_ + key upper case, dots and dashes as underscores. */
    public static final String ENV_PREFIX = "RECKON_";

    /** Key prefixes owned by Reckon; a key under one of them must be a declared option. */
    public static final List<String> OWNED_PREFIXES = List.of(
            "reconcile.", "kafka.", "schema-registry.", "jdbc.", "migrate.", "cloudevents.", "actions.", "stripe.");

    /** Prefixes whose rest is handed to a client library as it is (any key is accepted). */
    public static final List<String> PASS_THROUGH_PREFIXES =
            List.of(KafkaOptions.PROPERTIES_PREFIX, SchemaRegistryOptions.PROPERTIES_PREFIX);

    /** The classes declaring Reckon's options, in the order the documentation lists them. */
    public static final List<Class<?>> OPTION_CLASSES = List.of(
            ReconOptions.class,
            KafkaOptions.class,
            SchemaRegistryOptions.class,
            JdbcOptions.class,
            MigrationOptions.class,
            CloudEventsOptions.class,
            ActionOptions.class,
            StripeSourceOptions.class);

    private ReckonConfiguration() {}

    /**
     * @param yamlOrNull a Flink-style YAML file (nested or flat keys); null: the cluster's Flink
     *     configuration ({@code $FLINK_CONF_DIR/config.yaml}, empty when that is not set)
     * @param env the environment, usually {@link System#getenv()}
     * @throws IllegalArgumentException naming the key and the reason when the result is not valid
     */
    public static Configuration load(Path yamlOrNull, Map<String, String> env) {
        Configuration conf = yamlOrNull == null ? GlobalConfiguration.loadConfiguration() : fromYaml(yamlOrNull);
        applyEnvironment(conf, env);
        validate(conf);
        return conf;
    }

    /** Every declared option, keyed by its key. */
    public static Map<String, ConfigOption<?>> options() {
        Map<String, ConfigOption<?>> options = new TreeMap<>();
        for (Class<?> c : OPTION_CLASSES) {
            for (ConfigOption<?> o : optionsOf(c)) {
                options.put(o.key(), o);
            }
        }
        return options;
    }

    /** The public static ConfigOption constants of one class, in declaration order. */
    public static List<ConfigOption<?>> optionsOf(Class<?> c) {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    options.add((ConfigOption<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return options;
    }

    /** The environment variable that overrides a key. */
    public static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * Applies RECKON_* variables that name a declared option. Underscores stand for both dots and
     * dashes, so the name is matched against the declared keys rather than turned back into a key.
     * A RECKON_ variable under an owned prefix that names no option is an error (a misspelling);
     * other RECKON_ variables are not configuration and are left alone.
     */
    static void applyEnvironment(Configuration conf, Map<String, String> env) {
        Map<String, String> byEnvName = new TreeMap<>();
        for (String key : options().keySet()) {
            byEnvName.put(envName(key), key);
        }
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX)
                    || name.equals(JdbcOptions.PASSWORD_ENV)
                    || ActionOptions.isSecretEnv(name)) {
                // The database password and the action secrets (Stripe key, HubSpot token, webhook signing
                // secrets) are read from the environment by the code that uses them; copying them into the
                // configuration would only widen where the secret is visible.
                continue;
            }
            String key = byEnvName.get(name);
            if (key == null) {
                key = ActionOptions.webhookKeyOfEnv(name);
            }
            if (key != null) {
                conf.setString(key, e.getValue());
            } else if (OWNED_PREFIXES.stream().anyMatch(p -> name.startsWith(envName(p)))) {
                String suggestion = closest(name, byEnvName.keySet());
                throw new IllegalArgumentException("unknown environment override '" + name + "'"
                        + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)"));
            }
        }
    }

    /**
     * Checks every key under an owned prefix against the declared options, parses every declared
     * option that is set, and applies the cross-option rules of {@link ReconSettings} and the parsers
     * of the CloudEvents mapping and the Kafka starting offsets.
     *
     * @throws IllegalArgumentException naming the first invalid key and why
     */
    public static void validate(Configuration conf) {
        Map<String, ConfigOption<?>> options = options();
        for (String key : new TreeMap<>(conf.toMap()).keySet()) {
            boolean owned = OWNED_PREFIXES.stream().anyMatch(key::startsWith);
            boolean passThrough =
                    PASS_THROUGH_PREFIXES.stream().anyMatch(p -> key.startsWith(p) && key.length() > p.length());
            if (owned && !passThrough && !options.containsKey(key) && !ActionOptions.isWebhookKey(key)) {
                String suggestion = closest(key, options.keySet());
                throw new IllegalArgumentException("unknown option '" + key + "'"
                        + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)"));
            }
        }
        Map<String, String> raw = conf.toMap();
        for (ConfigOption<?> option : options.values()) {
            if (!raw.containsKey(option.key())) {
                continue;
            }
            try {
                conf.get(option);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        option.key() + ": '" + raw.get(option.key()) + "' is not " + typeName(option), e);
            }
        }
        ReconSettings.from(conf);
        atLeastOne(conf, ReconOptions.WATERMARK_CORROBORATION);
        atLeastOne(conf, KafkaOptions.TOPIC_PARTITIONS);
        if (conf.contains(CoreOptions.DEFAULT_PARALLELISM)) {
            atLeastOne(conf, CoreOptions.DEFAULT_PARALLELISM);
        }
        CloudEventsOptions.mapping(conf);
        KafkaOptions.startingOffsets(conf);
        ActionOptions.webhooks(conf);
    }

    /** Refuses a count below one, which would otherwise fail deep inside a running job. */
    private static void atLeastOne(Configuration conf, ConfigOption<Integer> option) {
        int value = conf.get(option);
        if (value < 1) {
            throw new IllegalArgumentException(option.key() + " must be at least 1, was " + value);
        }
    }

    /** The type of an option in words, from its default (options without one are strings here). */
    public static String typeName(ConfigOption<?> option) {
        Class<?> type = option.hasDefaultValue() ? option.defaultValue().getClass() : declaredType(option);
        if (type == Duration.class) {
            return "a duration";
        } else if (type == Integer.class || type == Long.class) {
            return "an integer";
        } else if (type == Boolean.class) {
            return "a boolean";
        } else if (type == Double.class) {
            return "a number";
        }
        return "a string";
    }

    /**
     * The type an option without a default was declared with. Flink keeps {@code ConfigOption#getClazz}
     * package-private and offers no public accessor, hence reflection; String when it cannot be read.
     */
    private static Class<?> declaredType(ConfigOption<?> option) {
        try {
            java.lang.reflect.Method m = ConfigOption.class.getDeclaredMethod("getClazz");
            m.setAccessible(true);
            return (Class<?>) m.invoke(option);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return String.class;
        }
    }

    /**
     * Reads a Flink-style YAML file. Flink's GlobalConfiguration reads only {@code config.yaml} in a
     * directory; its YAML parser is used here on any file, and nested maps are flattened the way
     * Flink does (keys joined with dots).
     */
    static Configuration fromYaml(Path yaml) {
        if (!Files.isReadable(yaml)) {
            throw new IllegalArgumentException("cannot read the configuration file " + yaml);
        }
        Map<String, Object> tree;
        try {
            tree = YamlParserUtils.loadYamlFile(yaml.toFile());
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "configuration file " + yaml + " is not valid YAML: " + e.getMessage(), e);
        }
        Configuration conf = new Configuration();
        flatten("", tree == null ? Map.of() : tree, conf);
        return conf;
    }

    private static void flatten(String prefix, Map<?, ?> tree, Configuration conf) {
        for (Map.Entry<?, ?> e : tree.entrySet()) {
            String key = prefix + e.getKey();
            Object value = e.getValue();
            if (value instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, conf);
            } else if (value instanceof Collection<?>) {
                conf.setString(key, YamlParserUtils.toYAMLString(value).trim());
            } else if (value != null) {
                conf.setString(key, String.valueOf(value));
            }
        }
    }

    /** The candidate nearest by edit distance, if it is near enough to be a likely misspelling. */
    public static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(word, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= Math.max(2, word.length() / 4) ? best : null;
    }

    // Levenshtein distance; a dozen lines do not justify a text-similarity dependency.
    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
