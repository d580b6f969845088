package io.reckon.connectors.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs and verifies webhook deliveries by the <a href="https://www.standardwebhooks.com">Standard
 * Webhooks</a> specification: headers {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and
 * {@code webhook-signature} = {@code v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">}, keyed by the
 * base64 part of a {@code whsec_...} secret.
 *
 * <p>The HMAC and the constant-time comparison come from the specification's own Java library
 * (com.standardwebhooks:standardwebhooks, no dependencies), so senders and receivers in Java share one
 * implementation; this class only fixes the header names and turns its checked exceptions into ours.
 * Verification accepts timestamps within {@value #TOLERANCE_SECONDS} seconds of the receiver's clock
 * (the library's tolerance) to refuse replays.
 *
 * <pre>{@code
 * // receiver side
 * try {
 *     StandardWebhooks.verify(secret, body, headers);   // headers: Map<String, List<String>>
 * } catch (StandardWebhooks.InvalidSignatureException e) {
 *     return 400;
 * }
 * }</pre>
 */
public final class StandardWebhooks {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    public static final String SECRET_PREFIX = "whsec_";
    public static final int TOLERANCE_SECONDS = 300;

    private StandardWebhooks() {}

    /** A delivery failed verification: missing headers, wrong signature, or a stale timestamp. */
    public static final class InvalidSignatureException extends Exception {
        InvalidSignatureException(String message) {
            super(message);
        }
    }

    /**
     * The {@code webhook-signature} value for a delivery: {@code v1,<base64 signature>}.
     *
     * @param secret {@code whsec_<base64 key>} (the prefix is optional)
     * @throws IllegalArgumentException if the secret is not base64 or empty
     */
    public static String sign(String secret, String id, long timestampSeconds, String body) {
        Webhook webhook = webhook(secret);
        try {
            return webhook.sign(id, timestampSeconds, body);
        } catch (WebhookSigningException | IllegalArgumentException e) {
            // An empty key ends here (javax.crypto refuses it); say so without quoting the secret.
            throw new IllegalArgumentException("Cannot sign with this webhook secret: it holds no usable key");
        }
    }

    /** The three headers of a delivery, in the order they are sent. */
    public static Map<String, String> headers(String secret, String id, long timestampSeconds, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ID_HEADER, id);
        headers.put(TIMESTAMP_HEADER, Long.toString(timestampSeconds));
        headers.put(SIGNATURE_HEADER, sign(secret, id, timestampSeconds, body));
        return headers;
    }

    /**
     * Verifies a received delivery. Header names are matched case-insensitively; the signature header
     * may list several space-separated signatures (during secret rotation), one match suffices.
     *
     * @param body the raw request body, exactly as received
     * @throws InvalidSignatureException if the delivery is not authentic or too old or new
     */
    public static void verify(String secret, String body, Map<String, List<String>> headers)
            throws InvalidSignatureException {
        try {
            webhook(secret).verify(body, headers);
        } catch (WebhookVerificationException e) {
            throw new InvalidSignatureException(e.getMessage());
        }
    }

    /** A new random secret ({@code whsec_} + 32 random bytes, base64), to share with a receiver. */
    public static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /**
     * Checks that {@code secret} can sign: {@code whsec_} (optional) followed by non-empty base64.
     *
     * @throws IllegalArgumentException naming {@code what}, never quoting the secret
     */
    public static void requireValidSecret(String secret, String what) {
        try {
            sign(secret, "msg_probe", 0, "");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not " + SECRET_PREFIX + " followed by base64 (an HMAC key)");
        }
    }

    private static Webhook webhook(String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("No webhook secret");
        }
        try {
            return new Webhook(secret);
        } catch (RuntimeException e) {
            // Base64 decoding failed or the key is empty; the message must not quote the secret.
            throw new IllegalArgumentException("The webhook secret is not " + SECRET_PREFIX + " followed by base64");
        }
    }
}
