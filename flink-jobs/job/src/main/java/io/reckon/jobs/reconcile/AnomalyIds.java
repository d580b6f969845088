package io.reckon.jobs.reconcile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Stable anomaly ids: {@code an_} + the first 128 bits of SHA-256 over
 * {@code type \n account_id \n meter \n period_start (ISO-8601)}, in hex. The same identity yields the
 * same id in every run and on every machine, so the compacted topic and the tables upsert onto it.
 */
public final class AnomalyIds {

    private AnomalyIds() {}

    /** One digest per thread: looking the algorithm up costs more than hashing a short identity. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    });

    private static final HexFormat HEX = HexFormat.of();

    public static String of(String type, String accountId, String meter, long periodStart) {
        String identity = type + "\n" + accountId + "\n" + meter + "\n" + Instant.ofEpochMilli(periodStart);
        // digest() resets the instance, so the next call starts clean.
        byte[] digest = SHA_256.get().digest(identity.getBytes(StandardCharsets.UTF_8));
        return "an_" + HEX.formatHex(digest, 0, 16);
    }
}
