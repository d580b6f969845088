package io.reckon.connectors.actions;

import java.util.concurrent.CompletableFuture;

/**
 * Carries out actions against one external system (Stripe, a CRM, webhook endpoints) without blocking
 * the caller: the returned future completes with an {@link ActionOutcome} and never exceptionally.
 *
 * <p>Contract for exactly-once effects: calling {@link #execute} twice with the same {@code actionId}
 * must not act twice at the target. Executors derive idempotency keys (Stripe) or delivery ids
 * (webhooks) from the action id; where the target has no such key (a CRM), the caller's state dedup
 * is the guard and the executor says so.
 *
 * <pre>{@code
 * try (ActionExecutor stripe = StripeDraftInvoiceExecutor.create(options)) {
 *     ActionOutcome outcome = stripe.execute(request).join();
 * }
 * }</pre>
 */
public interface ActionExecutor extends AutoCloseable {

    /** The action kind this executor carries out, one of the {@code ActionRequest.KIND_*} values. */
    String kind();

    /** Starts the call; the future completes with the outcome, including failures and timeouts. */
    CompletableFuture<ActionOutcome> execute(ActionRequest request);

    @Override
    default void close() {}
}
