package io.reckon.connectors.registry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Schema ids the registry refused, each remembered for {@link #TTL}: a topic holding many records of
 * one refused id then costs one registry call per id and {@link #TTL}, not one per record, and an id
 * that the registry learns (or is granted) later is asked for again once its refusal has expired. At
 * most {@link #MAX_IDS} ids are held; past that the oldest are forgotten (and asked again).
 *
 * <p>Which answers are refusals of one id: HTTP 4xx other than 401 (our credentials: every id would
 * be refused, so the task must fail and restart rather than dead-letter good data), 408 (timeout) and
 * 429 (rate limit), which say nothing about the id.
 */
final class RegistryRefusals {

    static final Duration TTL = Duration.ofMinutes(5);
    static final int MAX_IDS = 1_024;

    private record Refusal(String reason, long expiresNanos) {}

    private final Map<Integer, Refusal> byId = new ConcurrentHashMap<>();

    static boolean refusesTheId(int httpStatus) {
        return httpStatus >= 400 && httpStatus < 500 && httpStatus != 401 && httpStatus != 408 && httpStatus != 429;
    }

    /** The reason {@code id} was refused, or null when it was not or its refusal has expired. */
    String reason(int id, long nowNanos) {
        Refusal r = byId.get(id);
        if (r == null) {
            return null;
        }
        if (nowNanos - r.expiresNanos >= 0) {
            byId.remove(id, r);
            return null;
        }
        return r.reason;
    }

    void remember(int id, String reason, long nowNanos) {
        if (byId.size() >= MAX_IDS) {
            byId.entrySet().removeIf(e -> nowNanos - e.getValue().expiresNanos >= 0);
            if (byId.size() >= MAX_IDS) {
                byId.clear();
            }
        }
        byId.put(id, new Refusal(reason, nowNanos + TTL.toNanos()));
    }
}
