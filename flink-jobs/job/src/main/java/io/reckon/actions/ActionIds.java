package io.reckon.actions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable action ids: {@code act_} + the first 128 bits of SHA-256 over {@code anomaly_id \n kind \n
 * target}, in hex. Every revision of an anomaly maps to the same id, so a revision updates its action
 * instead of creating another, and executors derive their idempotency keys from it.
 */
public final class ActionIds {

    private ActionIds() {}

    public static String of(String anomalyId, ActionKind kind, String target) {
        String identity = anomalyId + "\n" + kind.wire() + "\n" + target;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "act_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
