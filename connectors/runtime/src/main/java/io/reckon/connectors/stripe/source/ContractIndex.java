package io.reckon.connectors.stripe.source;

import io.reckon.avro.Contract;
import io.reckon.avro.MeterTerms;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Maps Stripe's ids to Reckon's (account, meter) through the contracts: {@code stripe_customer_id}
 * gives the account, a meter's {@code stripe_price_id} or {@code stripe_meter_id} gives the meter.
 * Every version of an account's contract counts (an invoice of March may bill a price that the April
 * version no longer names), and so does every version's billing anchor day (a version may move it).
 *
 * <pre>{@code
 * ContractIndex index = ContractIndex.of(contracts);
 * index.accountOf("cus_1");                       // Optional[acct_1]
 * index.meterOfPrice("acct_1", "price_api");      // Optional[api_calls]
 * }</pre>
 */
public final class ContractIndex {

    /**
     * A (Stripe customer, Stripe meter) whose hourly summaries are polled, and where they map to.
     *
     * @param anchorDays the billing anchor days of the account's versions: its periods end on these days
     */
    public record SummaryTarget(
            String customerId, String stripeMeterId, String accountId, String meter, Set<Integer> anchorDays) {

        public SummaryTarget {
            anchorDays = Set.copyOf(anchorDays);
        }
    }

    private final Map<String, Set<String>> accountsByCustomer;
    private final Map<String, Map<String, String>> meterByPrice;
    private final Map<String, Map<String, String>> meterByStripeMeter;
    private final List<SummaryTarget> targets;

    private ContractIndex(
            Map<String, Set<String>> accountsByCustomer,
            Map<String, Map<String, String>> meterByPrice,
            Map<String, Map<String, String>> meterByStripeMeter,
            List<SummaryTarget> targets) {
        this.accountsByCustomer = accountsByCustomer;
        this.meterByPrice = meterByPrice;
        this.meterByStripeMeter = meterByStripeMeter;
        this.targets = targets;
    }

    public static ContractIndex empty() {
        return of(List.of());
    }

    public static ContractIndex of(Collection<Contract> contracts) {
        Map<String, Set<String>> accounts = new HashMap<>();
        Map<String, Map<String, String>> byPrice = new HashMap<>();
        Map<String, Map<String, String>> byMeter = new HashMap<>();
        Map<String, Contract> latest = new TreeMap<>();
        Map<String, Set<Integer>> anchorDays = new HashMap<>();
        for (Contract c : contracts) {
            anchorDays
                    .computeIfAbsent(c.getAccountId(), k -> new TreeSet<>())
                    .add(c.getBillingAnchorDay() == null ? 1 : c.getBillingAnchorDay());
            if (c.getStripeCustomerId() != null && !c.getStripeCustomerId().isBlank()) {
                accounts.computeIfAbsent(c.getStripeCustomerId(), k -> new TreeSet<>())
                        .add(c.getAccountId());
            }
            for (MeterTerms m : c.getMeters()) {
                if (m.getStripePriceId() != null) {
                    byPrice.computeIfAbsent(c.getAccountId(), k -> new HashMap<>())
                            .put(m.getStripePriceId(), m.getMeter());
                }
                if (m.getStripeMeterId() != null) {
                    byMeter.computeIfAbsent(c.getAccountId(), k -> new HashMap<>())
                            .put(m.getStripeMeterId(), m.getMeter());
                }
            }
            latest.merge(c.getAccountId(), c, (a, b) -> a.getVersion() >= b.getVersion() ? a : b);
        }
        Map<String, SummaryTarget> targets = new LinkedHashMap<>();
        for (Contract c : latest.values()) {
            String customer = c.getStripeCustomerId();
            if (customer == null || customer.isBlank() || accounts.get(customer).size() != 1) {
                continue;
            }
            Set<Integer> anchors = anchorDays.get(c.getAccountId());
            byMeter.getOrDefault(c.getAccountId(), Map.of())
                    .forEach((stripeMeter, meter) -> targets.putIfAbsent(
                            customer + " " + stripeMeter,
                            new SummaryTarget(customer, stripeMeter, c.getAccountId(), meter, anchors)));
        }
        List<SummaryTarget> sorted = new ArrayList<>(targets.values());
        sorted.sort(Comparator.comparing(SummaryTarget::customerId).thenComparing(SummaryTarget::stripeMeterId));
        return new ContractIndex(accounts, byPrice, byMeter, List.copyOf(sorted));
    }

    /**
     * The account of a Stripe customer.
     *
     * @throws UnmappableException when no contract, or contracts of more than one account, name it
     */
    public String accountOf(String customerId) throws UnmappableException {
        Set<String> accounts = customerId == null ? null : accountsByCustomer.get(customerId);
        if (accounts == null || accounts.isEmpty()) {
            throw new UnmappableException(
                    "Stripe customer " + customerId + " is the stripe_customer_id of no contract");
        }
        if (accounts.size() > 1) {
            throw new UnmappableException("Stripe customer " + customerId
                    + " is the stripe_customer_id of the contracts of several accounts: " + accounts);
        }
        return accounts.iterator().next();
    }

    /** The meter of the account whose {@code stripe_price_id} is {@code priceId}. */
    public Optional<String> meterOfPrice(String accountId, String priceId) {
        return Optional.ofNullable(
                meterByPrice.getOrDefault(accountId, Map.of()).get(priceId));
    }

    /** The meter of the account whose {@code stripe_meter_id} is {@code stripeMeterId}. */
    public Optional<String> meterOfStripeMeter(String accountId, String stripeMeterId) {
        return Optional.ofNullable(
                meterByStripeMeter.getOrDefault(accountId, Map.of()).get(stripeMeterId));
    }

    /** Every (customer, Stripe meter) to poll summaries of, sorted by customer and meter. */
    public List<SummaryTarget> summaryTargets() {
        return targets;
    }

    /** A Stripe object that no contract maps to (account, meter); the message is the reason. */
    public static final class UnmappableException extends Exception {
        private static final long serialVersionUID = 1L;

        public UnmappableException(String reason) {
            super(reason);
        }
    }
}
