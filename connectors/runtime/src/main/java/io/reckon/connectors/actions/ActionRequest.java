package io.reckon.connectors.actions;

import java.io.Serializable;
import java.util.Objects;

/**
 * Everything an {@link ActionExecutor} needs to carry out one action on one anomaly revision.
 *
 * <p>{@code actionId} is stable across revisions of the anomaly and across restarts; executors derive
 * their idempotency keys and delivery ids from it, so a call repeated after a failure or a restore is
 * recognised by the target system instead of acting twice.
 *
 * @param actionId stable id of the action, derived from (anomaly_id, kind, target)
 * @param kind {@code stripe_draft_invoice}, {@code crm_task} or {@code webhook}
 * @param target where the action goes: {@code stripe}, {@code hubspot}, or a webhook endpoint's name
 * @param anomalyId the anomaly acted on
 * @param anomalyRevision the revision of the anomaly this request was built from
 * @param anomalyType e.g. {@code UNDER_REPORTED_USAGE}
 * @param accountId the customer account
 * @param meter the meter of the anomaly
 * @param periodStartMillis billing period start, epoch millis UTC
 * @param periodEndMillis billing period end (exclusive), epoch millis UTC
 * @param amountMinor the leaked amount in the currency's minor units
 * @param currency lower-case ISO 4217 code
 * @param stripeCustomerId the contract's Stripe customer, or null when the contract has none
 * @param crmAccountId the contract's CRM company id, or null when the contract has none
 * @param title one line for a person, e.g. a CRM task subject
 * @param description the anomaly's explanation
 * @param payloadJson the anomaly revision as JSON, the body of a webhook delivery
 */
public record ActionRequest(
        String actionId,
        String kind,
        String target,
        String anomalyId,
        int anomalyRevision,
        String anomalyType,
        String accountId,
        String meter,
        long periodStartMillis,
        long periodEndMillis,
        long amountMinor,
        String currency,
        String stripeCustomerId,
        String crmAccountId,
        String title,
        String description,
        String payloadJson)
        implements Serializable {

    public static final String KIND_STRIPE_DRAFT_INVOICE = "stripe_draft_invoice";
    public static final String KIND_CRM_TASK = "crm_task";
    public static final String KIND_WEBHOOK = "webhook";

    public ActionRequest {
        Objects.requireNonNull(actionId, "actionId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(anomalyId, "anomalyId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(currency, "currency");
    }
}
