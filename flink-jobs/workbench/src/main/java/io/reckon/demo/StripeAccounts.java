package io.reckon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the demo's contracts say about Stripe: each account's Stripe customer and billing anchor day,
 * and each meter's Stripe meter and aggregation. The latest version of an account's contract counts;
 * lines that do not parse (the workload's malformed contracts) are left out, as the job dead-letters
 * them.
 */
final class StripeAccounts {

    /** One meter of an account: its Stripe meter and how the contract aggregates it. */
    record StripeMeter(String id, String aggregation) {}

    private record Account(int version, String customer, int anchorDay, Map<String, StripeMeter> meters) {}

    private final Map<String, Account> accounts = new HashMap<>();

    static StripeAccounts of(List<String> contractLines) {
        StripeAccounts a = new StripeAccounts();
        for (String line : contractLines) {
            JsonNode n;
            try {
                n = DemoJson.MAPPER.readTree(line);
            } catch (IOException malformed) {
                continue;
            }
            String account = DemoJson.text(n, "account_id");
            String customer = DemoJson.text(n, "stripe_customer_id");
            JsonNode meters = n.get("meters");
            if (account == null || customer == null || meters == null || !meters.isArray()) {
                continue;
            }
            int version = n.path("version").asInt(0);
            Account known = a.accounts.get(account);
            if (known != null && known.version() > version) {
                continue;
            }
            Map<String, StripeMeter> byMeter = new HashMap<>();
            for (JsonNode m : meters) {
                String id = DemoJson.text(m, "stripe_meter_id");
                if (id != null) {
                    String aggregation = DemoJson.text(m, "aggregation");
                    byMeter.put(
                            DemoJson.text(m, "meter"), new StripeMeter(id, aggregation == null ? "sum" : aggregation));
                }
            }
            int anchor = n.hasNonNull("billing_anchor_day")
                    ? n.get("billing_anchor_day").asInt()
                    : 1;
            a.accounts.put(account, new Account(version, customer, anchor, byMeter));
        }
        return a;
    }

    Optional<String> customer(String account) {
        Account a = accounts.get(account);
        return a == null ? Optional.empty() : Optional.of(a.customer());
    }

    Optional<StripeMeter> meter(String account, String meter) {
        Account a = accounts.get(account);
        return a == null ? Optional.empty() : Optional.ofNullable(a.meters().get(meter));
    }

    /** The billing anchor days in use. */
    Set<Integer> anchorDays() {
        Set<Integer> days = new TreeSet<>();
        accounts.values().forEach(a -> days.add(a.anchorDay()));
        return days;
    }
}
