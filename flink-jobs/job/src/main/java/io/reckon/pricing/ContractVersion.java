package io.reckon.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One version of an account's contract. The constructor checks every rule, so an invalid version
 * cannot exist; the first broken rule is thrown as a {@link PricingValidationException} that names
 * the field.
 *
 * <p>The currency is normalised to lower case ({@code USD} becomes {@code usd}, the form Stripe
 * uses), so compare currencies in lower case.
 *
 * <pre>{@code
 * ContractVersion v = ContractVersion.builder()
 *         .accountId("acct_1").version(2).effectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
 *         .currency("usd").billingAnchorDay(null)        // nullable: 1
 *         .renewal(new Renewal(Instant.parse("2026-07-01T00:00:00Z"), new BigDecimal("7")))
 *         .meter(terms)
 *         .build();
 * }</pre>
 *
 * @param accountId the account
 * @param version higher versions win over lower ones once they are effective
 * @param effectiveFrom the version applies to periods that start at or after this instant
 * @param currency ISO 4217 code in lower case, e.g. {@code usd}
 * @param billingAnchorDay day of the month (1..28) on which billing periods start, 00:00 UTC
 * @param stripeCustomerId the billing system's customer, may be null
 * @param crmAccountId the CRM's account, may be null
 * @param renewal the renewal and its price escalator, or null
 * @param meters the priced meters, each name at most once
 */
public record ContractVersion(
        String accountId,
        int version,
        Instant effectiveFrom,
        String currency,
        int billingAnchorDay,
        String stripeCustomerId,
        String crmAccountId,
        Renewal renewal,
        List<MeterTerms> meters) {

    public static final int DEFAULT_BILLING_ANCHOR_DAY = 1;

    private static final Pattern CURRENCY = Pattern.compile("[a-z]{3}");

    public ContractVersion {
        if (accountId == null || accountId.isBlank()) {
            throw new PricingValidationException("account_id", "is missing");
        }
        if (version < 0) {
            throw new PricingValidationException("version", version + " is negative");
        }
        Checks.required(effectiveFrom, "effective_from");
        Checks.required(currency, "currency");
        String normalised = currency.trim().toLowerCase(Locale.ROOT);
        if (!CURRENCY.matcher(normalised).matches()) {
            throw new PricingValidationException(
                    "currency", "'" + ShownValue.of(currency) + "' is not a 3-letter ISO 4217 code such as usd");
        }
        currency = normalised;
        BillingPeriod.checkAnchorDay(billingAnchorDay);
        Checks.required(meters, "meters");
        Set<String> names = new HashSet<>();
        List<MeterTerms> copy = new ArrayList<>(meters.size());
        for (int i = 0; i < meters.size(); i++) {
            MeterTerms terms = Checks.required(meters.get(i), "meters[" + i + "]");
            if (!names.add(terms.meter())) {
                throw new PricingValidationException("meters[" + terms.meter() + "]", "is listed twice");
            }
            copy.add(terms);
        }
        meters = List.copyOf(copy);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The terms of {@code meter}, or empty when this version does not list it (the usage is unmapped). */
    public Optional<MeterTerms> meter(String name) {
        for (MeterTerms terms : meters) {
            if (terms.meter().equals(name)) {
                return Optional.of(terms);
            }
        }
        return Optional.empty();
    }

    /** True when a period starting at {@code periodStart} pays escalated prices (on or after term_end). */
    public boolean escalatedFor(Instant periodStart) {
        return renewal != null && !periodStart.isBefore(renewal.termEnd());
    }

    /** Builds a {@link ContractVersion} from nullable decoded fields; absent optional ones take the defaults. */
    public static final class Builder {
        private String accountId;
        private Integer version;
        private Instant effectiveFrom;
        private String currency;
        private Integer billingAnchorDay;
        private String stripeCustomerId;
        private String crmAccountId;
        private Renewal renewal;
        private final List<MeterTerms> meters = new ArrayList<>();

        private Builder() {}

        public Builder accountId(String accountId) {
            this.accountId = accountId;
            return this;
        }

        public Builder version(Integer version) {
            this.version = version;
            return this;
        }

        public Builder effectiveFrom(Instant effectiveFrom) {
            this.effectiveFrom = effectiveFrom;
            return this;
        }

        public Builder currency(String currency) {
            this.currency = currency;
            return this;
        }

        /** 1..28; null for the default 1. */
        public Builder billingAnchorDay(Integer billingAnchorDay) {
            this.billingAnchorDay = billingAnchorDay;
            return this;
        }

        public Builder stripeCustomerId(String stripeCustomerId) {
            this.stripeCustomerId = stripeCustomerId;
            return this;
        }

        public Builder crmAccountId(String crmAccountId) {
            this.crmAccountId = crmAccountId;
            return this;
        }

        public Builder renewal(Renewal renewal) {
            this.renewal = renewal;
            return this;
        }

        public Builder meter(MeterTerms terms) {
            this.meters.add(terms);
            return this;
        }

        public Builder meters(List<MeterTerms> terms) {
            this.meters.addAll(Checks.required(terms, "meters"));
            return this;
        }

        public ContractVersion build() {
            return new ContractVersion(
                    accountId,
                    Checks.required(version, "version"),
                    effectiveFrom,
                    currency,
                    billingAnchorDay == null ? DEFAULT_BILLING_ANCHOR_DAY : billingAnchorDay,
                    stripeCustomerId,
                    crmAccountId,
                    renewal,
                    meters);
        }
    }
}
