package io.reckon.actions;

import io.reckon.jobs.records.AnomalyRecord;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.Set;

/**
 * The conditions of a policy rule; every condition given must hold, and a resolved revision never
 * matches. Amounts are exact: a threshold in
 * major units is compared with the anomaly's minor units through the currency's fraction digits.
 *
 * @param types anomaly types, empty for any
 * @param finalOnly only final revisions match (the default): acting on an open period's estimate would
 *     invoice a number that may still change
 * @param minAmount threshold in major units (e.g. 100.00 USD), or null
 * @param minAmountMinor threshold in minor units (e.g. 10000 cents), or null
 * @param minConfidence lowest confidence, or null
 * @param severities severities, empty for any
 */
public record RuleMatch(
        Set<String> types,
        boolean finalOnly,
        BigDecimal minAmount,
        Long minAmountMinor,
        BigDecimal minConfidence,
        Set<String> severities)
        implements Serializable {

    /** Null when the revision matches, else the first condition it fails, for the audit trail. */
    public String whyNot(AnomalyRecord a) {
        if ("resolved".equals(a.status)) {
            // A resolved revision says the leak is gone: nothing to recover, whatever the rule says.
            return "revision " + a.revision + " resolved the anomaly";
        }
        if (!types.isEmpty() && !types.contains(a.type)) {
            return "type " + a.type + " is not one of " + types;
        }
        if (finalOnly && !a.finalRevision) {
            return "revision " + a.revision + " is not final";
        }
        if (minAmountMinor != null && a.amountMinor < minAmountMinor) {
            return "amount " + a.amountMinor + " minor units is below " + minAmountMinor;
        }
        if (minAmount != null) {
            BigDecimal major = majorUnits(a.amountMinor, a.currency);
            if (major.compareTo(minAmount) < 0) {
                return "amount " + major.toPlainString() + " " + a.currency + " is below " + minAmount.toPlainString();
            }
        }
        if (minConfidence != null && BigDecimal.valueOf(a.confidence).compareTo(minConfidence) < 0) {
            return "confidence " + a.confidence + " is below " + minConfidence.toPlainString();
        }
        if (!severities.isEmpty() && !severities.contains(a.severity)) {
            return "severity " + a.severity + " is not one of " + severities;
        }
        return null;
    }

    /** An amount in minor units as major units of its currency (two fraction digits for an unknown code). */
    public static BigDecimal majorUnits(long minor, String currency) {
        int digits;
        try {
            digits = Math.max(
                    0,
                    Currency.getInstance(currency.toUpperCase(java.util.Locale.ROOT))
                            .getDefaultFractionDigits());
        } catch (IllegalArgumentException unknown) {
            digits = 2;
        }
        return BigDecimal.valueOf(minor).movePointLeft(digits);
    }
}
