package io.reckon.connectors.actions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves the credentials of the action executors from a file (a mounted Kubernetes secret) or an
 * environment variable, in that order, the same way {@code JdbcOptions.password} resolves the database
 * password. Values are never logged, and error messages name the option or variable, never a value.
 *
 * <pre>{@code
 * String apiKey = Secrets.resolve("Stripe API key", "actions.stripe.api-key-file", options.apiKeyFile(),
 *         Secrets.STRIPE_API_KEY_ENV);
 * }</pre>
 */
public final class Secrets {

    /** Environment variable of the Stripe secret (or restricted) API key. */
    public static final String STRIPE_API_KEY_ENV = "RECKON_STRIPE_API_KEY";

    /** Environment variable of the HubSpot private app access token. */
    public static final String HUBSPOT_TOKEN_ENV = "RECKON_HUBSPOT_TOKEN";

    /** Prefix of the environment variables of webhook signing secrets; see {@link #webhookSecretEnv}. */
    public static final String WEBHOOK_SECRET_ENV_PREFIX = "RECKON_WEBHOOK_SECRET_";

    private Secrets() {}

    /**
     * Returns the secret: the content of {@code file} (trailing line breaks removed) if a file is
     * given, else the environment variable {@code envVar}.
     *
     * @param what what the secret is, for error messages (e.g. "Stripe API key")
     * @param fileOption the name of the option that holds {@code file}, for error messages
     * @param file path of the secret file, or null/blank to use the environment
     * @param envVar the environment variable consulted without a file
     * @throws IllegalArgumentException if neither is set (or both are empty), or the file is unreadable
     */
    public static String resolve(String what, String fileOption, String file, String envVar) {
        return resolve(what, fileOption, file, envVar, System.getenv());
    }

    static String resolve(String what, String fileOption, String file, String envVar, Map<String, String> env) {
        if (file != null && !file.isBlank()) {
            String value = readFile(what, fileOption, Path.of(file));
            if (value.isEmpty()) {
                throw new IllegalArgumentException(
                        "The " + what + " file named by " + fileOption + " is empty: " + file);
            }
            return value;
        }
        String fromEnv = env.get(envVar);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        throw new IllegalArgumentException(
                "No " + what + ": set " + fileOption + " or the environment variable " + envVar);
    }

    /**
     * The environment variable of a webhook endpoint's signing secret: {@code RECKON_WEBHOOK_SECRET_}
     * followed by the endpoint name upper-cased, every character other than A-Z and 0-9 replaced by
     * {@code _} (endpoint {@code ops-alerts} reads {@code RECKON_WEBHOOK_SECRET_OPS_ALERTS}).
     */
    public static String webhookSecretEnv(String endpointName) {
        return WEBHOOK_SECRET_ENV_PREFIX + endpointName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * Reads a secret file, trailing line breaks removed. The error names {@code what}, the option and
     * the file, never the content.
     *
     * @throws IllegalArgumentException if the file cannot be read
     */
    public static String readFile(String what, String fileOption, Path file) {
        try {
            // Secret files written by `echo` or kubectl usually end with a line break that is not part
            // of the secret.
            return Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
        } catch (IOException e) {
            // The message names the file, never its content.
            throw new IllegalArgumentException(
                    "Cannot read the " + what + " file named by " + fileOption + ": " + file,
                    new UncheckedIOException(e));
        }
    }
}
