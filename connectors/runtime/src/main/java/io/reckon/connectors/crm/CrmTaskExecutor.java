package io.reckon.connectors.crm;

import io.reckon.connectors.actions.ActionExecutor;
import io.reckon.connectors.actions.ActionOutcome;
import io.reckon.connectors.actions.ActionRequest;
import io.reckon.connectors.actions.RetryingCalls;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The flow shared by CRM task executors: refuse requests without a CRM account, look for a task made
 * earlier for the same action, and create one only when there is none, retrying transient failures
 * through {@link RetryingCalls}. {@link HubSpotTaskExecutor} implements it for HubSpot; a Salesforce
 * implementation would search with SOQL ({@code SELECT Id FROM Task WHERE Description LIKE
 * '%reckon-action-...%'}) and create a {@code Task} with {@code WhatId} = the account id, and needs
 * nothing else.
 *
 * <p>CRMs have no idempotency keys, so the search-before-create is the guard against a second task
 * when an attempt timed out after the CRM had created the task, or the job replays an action after a
 * restore. Each task carries {@link #actionToken(String)} in its body for that search. The guard is
 * not airtight (CRM search indexes lag by seconds), so the job's own dedup of executed actions stays
 * the first line.
 *
 * <pre>{@code
 * try (CrmTaskExecutor crm = HubSpotTaskExecutor.create(HubSpotOptions.defaults())) {
 *     ActionOutcome outcome = crm.execute(request).join();   // Executed(<task id>, attempts)
 * }
 * }</pre>
 */
public abstract class CrmTaskExecutor implements ActionExecutor {

    private final RetryingCalls calls;

    protected CrmTaskExecutor(RetryingCalls calls) {
        this.calls = calls;
    }

    @Override
    public final String kind() {
        return ActionRequest.KIND_CRM_TASK;
    }

    @Override
    public final CompletableFuture<ActionOutcome> execute(ActionRequest request) {
        if (request.crmAccountId() == null || request.crmAccountId().isBlank()) {
            return CompletableFuture.completedFuture(new ActionOutcome.Failed(
                    "no CRM account id on the contract of account " + request.accountId()
                            + ": cannot create a CRM task",
                    false,
                    0));
        }
        // Every attempt searches again: an attempt that timed out may have created the task after all.
        return calls.call(attempt -> findTask(request)
                .thenCompose(existing -> existing.isPresent()
                        ? CompletableFuture.completedFuture(existing.get())
                        : createTask(request)));
    }

    /**
     * The token that marks a task as made for {@code actionId}; tasks carry it in their body so a
     * later execution of the same action finds them.
     */
    public static String actionToken(String actionId) {
        return "reckon-action-" + actionId;
    }

    /** The task body: the anomaly's explanation followed by the action token on its own line. */
    protected static String taskBody(ActionRequest request) {
        String description = request.description() == null ? "" : request.description();
        return description + (description.isEmpty() ? "" : "\n\n") + actionToken(request.actionId());
    }

    /** Finds the id of a task created earlier for this action; fails with an {@code ActionCallException}. */
    protected abstract CompletableFuture<Optional<String>> findTask(ActionRequest request);

    /** Creates the task associated with {@code request.crmAccountId()} and returns its id. */
    protected abstract CompletableFuture<String> createTask(ActionRequest request);

    @Override
    public void close() {
        calls.close();
    }
}
