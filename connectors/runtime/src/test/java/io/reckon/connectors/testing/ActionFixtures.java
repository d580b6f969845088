package io.reckon.connectors.testing;

import io.reckon.connectors.actions.ActionRequest;
import io.reckon.connectors.actions.RetryOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Action requests and settings for the executor tests. */
public final class ActionFixtures {

    public static final long PERIOD_START =
            Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
    public static final long PERIOD_END = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

    private ActionFixtures() {}

    /** A request for {@code kind} against {@code target}: 12,345 minor units of EUR. */
    public static ActionRequest request(String actionId, String kind, String target) {
        return new ActionRequest(
                actionId,
                kind,
                target,
                "anom-7",
                3,
                "UNDER_REPORTED_USAGE",
                "acct-42",
                "api_calls",
                PERIOD_START,
                PERIOD_END,
                12_345,
                "eur",
                "cus_Q1w2e3",
                "31415926",
                "Under-reported usage: api_calls",
                "Usage 1,234,500 calls vs reported 0 in October",
                "{\"anomaly_id\":\"anom-7\",\"revision\":3,\"severity\":\"high\",\"amount_minor\":12345}");
    }

    public static ActionRequest withCustomer(ActionRequest r, String customer) {
        return new ActionRequest(
                r.actionId(),
                r.kind(),
                r.target(),
                r.anomalyId(),
                r.anomalyRevision(),
                r.anomalyType(),
                r.accountId(),
                r.meter(),
                r.periodStartMillis(),
                r.periodEndMillis(),
                r.amountMinor(),
                r.currency(),
                customer,
                r.crmAccountId(),
                r.title(),
                r.description(),
                r.payloadJson());
    }

    public static ActionRequest withAmount(ActionRequest r, long amountMinor) {
        return new ActionRequest(
                r.actionId(),
                r.kind(),
                r.target(),
                r.anomalyId(),
                r.anomalyRevision(),
                r.anomalyType(),
                r.accountId(),
                r.meter(),
                r.periodStartMillis(),
                r.periodEndMillis(),
                amountMinor,
                r.currency(),
                r.stripeCustomerId(),
                r.crmAccountId(),
                r.title(),
                r.description(),
                r.payloadJson());
    }

    public static ActionRequest withCrmAccount(ActionRequest r, String crmAccountId) {
        return new ActionRequest(
                r.actionId(),
                r.kind(),
                r.target(),
                r.anomalyId(),
                r.anomalyRevision(),
                r.anomalyType(),
                r.accountId(),
                r.meter(),
                r.periodStartMillis(),
                r.periodEndMillis(),
                r.amountMinor(),
                r.currency(),
                r.stripeCustomerId(),
                crmAccountId,
                r.title(),
                r.description(),
                r.payloadJson());
    }

    /** Short backoff so retry tests take milliseconds: 10 ms doubling to 80 ms. */
    public static RetryOptions fastRetries(int maxAttempts, Duration attemptTimeout) {
        return new RetryOptions(maxAttempts, Duration.ofMillis(10), Duration.ofMillis(80), attemptTimeout);
    }

    public static String writeSecret(Path dir, String name, String value) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, value + "\n");
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
