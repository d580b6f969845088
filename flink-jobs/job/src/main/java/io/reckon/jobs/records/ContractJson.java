package io.reckon.jobs.records;

import static io.reckon.jobs.records.JsonFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.Graduated;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.PackagePrice;
import io.reckon.pricing.PerUnit;
import io.reckon.pricing.PricingValidationException;
import io.reckon.pricing.Renewal;
import io.reckon.pricing.Tier;
import io.reckon.pricing.Volume;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Contracts in the JSON format of the reconciliation spec, to and from the pricing model. Used for
 * replay input and as the form contracts take in broadcast state.
 */
public final class ContractJson {

    private ContractJson() {}

    public static ContractVersion parse(String json) throws InvalidRecordException {
        return parse(JsonFields.parse(json));
    }

    public static ContractVersion parse(JsonNode n) throws InvalidRecordException {
        try {
            ContractVersion.Builder b = ContractVersion.builder()
                    .accountId(text(n, "account_id"))
                    .version(Math.toIntExact(integer(n, "version")))
                    .effectiveFrom(boundaryTime(n, "effective_from"))
                    .currency(text(n, "currency"))
                    .billingAnchorDay(optionalInt(n, "billing_anchor_day"))
                    .stripeCustomerId(optionalText(n, "stripe_customer_id"))
                    .crmAccountId(optionalText(n, "crm_account_id"));
            if (present(n, "renewal")) {
                JsonNode r = n.get("renewal");
                b.renewal(new Renewal(boundaryTime(r, "term_end"), decimal(r, "escalator_pct")));
            }
            JsonNode meters = n.get("meters");
            if (meters == null || meters.isNull()) {
                throw new InvalidRecordException("missing required array meters");
            }
            if (!meters.isArray()) {
                throw new InvalidRecordException("meters is not an array");
            }
            for (JsonNode m : meters) {
                JsonNode p = m.get("pricing");
                if (p == null || !p.isObject()) {
                    throw new InvalidRecordException("meters[].pricing is missing");
                }
                List<Tier> tiers = null;
                if (present(p, "tiers")) {
                    tiers = new ArrayList<>();
                    for (JsonNode t : p.get("tiers")) {
                        tiers.add(Tier.of(
                                optionalDecimal(t, "up_to"),
                                decimal(t, "unit_amount_decimal"),
                                optionalInteger(t, "flat_amount_minor")));
                    }
                }
                b.meter(MeterTerms.builder(text(m, "meter"))
                        .aggregation(optionalText(m, "aggregation"))
                        .includedQuantity(optionalDecimal(m, "included_quantity"))
                        .minimumAmountMinor(optionalInteger(m, "minimum_amount_minor"))
                        .tolerancePct(optionalDecimal(m, "tolerance_pct"))
                        .stripePriceId(optionalText(m, "stripe_price_id"))
                        .stripeMeterId(optionalText(m, "stripe_meter_id"))
                        .pricing(
                                text(p, "model"),
                                optionalDecimal(p, "unit_amount_decimal"),
                                tiers,
                                optionalDecimal(p, "package_size"),
                                optionalDecimal(p, "package_amount_decimal"))
                        .build());
            }
            return b.build();
        } catch (PricingValidationException | ArithmeticException e) {
            throw new InvalidRecordException("invalid contract: " + e.getMessage(), e);
        }
    }

    private static Integer optionalInt(JsonNode n, String field) throws InvalidRecordException {
        Long v = optionalInteger(n, field);
        if (v == null) {
            return null;
        }
        try {
            return Math.toIntExact(v);
        } catch (ArithmeticException e) {
            throw new InvalidRecordException(field + " is out of range: " + v);
        }
    }

    /** The canonical JSON of a contract version: every default written out, decimals as strings. */
    public static String write(ContractVersion c) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode n = f.objectNode();
        n.put("account_id", c.accountId());
        n.put("version", c.version());
        n.put("effective_from", c.effectiveFrom().toString());
        n.put("currency", c.currency());
        n.put("billing_anchor_day", c.billingAnchorDay());
        if (c.stripeCustomerId() != null) {
            n.put("stripe_customer_id", c.stripeCustomerId());
        }
        if (c.crmAccountId() != null) {
            n.put("crm_account_id", c.crmAccountId());
        }
        if (c.renewal() != null) {
            ObjectNode r = n.putObject("renewal");
            r.put("term_end", c.renewal().termEnd().toString());
            r.put("escalator_pct", plain(c.renewal().escalatorPct()));
        }
        ArrayNode meters = n.putArray("meters");
        for (MeterTerms t : c.meters()) {
            ObjectNode m = meters.addObject();
            m.put("meter", t.meter());
            m.put("aggregation", t.aggregation().wireName());
            m.put("included_quantity", plain(t.includedQuantity()));
            m.put("minimum_amount_minor", t.minimumAmountMinor());
            m.put("tolerance_pct", plain(t.tolerancePct()));
            if (t.stripePriceId() != null) {
                m.put("stripe_price_id", t.stripePriceId());
            }
            if (t.stripeMeterId() != null) {
                m.put("stripe_meter_id", t.stripeMeterId());
            }
            ObjectNode p = m.putObject("pricing");
            p.put("model", t.pricing().model());
            if (t.pricing() instanceof PerUnit pu) {
                p.put("unit_amount_decimal", plain(pu.unitAmountDecimal()));
            } else if (t.pricing() instanceof Graduated g) {
                writeTiers(p, g.tiers());
            } else if (t.pricing() instanceof Volume v) {
                writeTiers(p, v.tiers());
            } else if (t.pricing() instanceof PackagePrice pk) {
                p.put("package_size", plain(pk.packageSize()));
                p.put("package_amount_decimal", plain(pk.packageAmountDecimal()));
            }
        }
        return n.toString();
    }

    private static void writeTiers(ObjectNode p, List<Tier> tiers) {
        ArrayNode a = p.putArray("tiers");
        for (Tier t : tiers) {
            ObjectNode o = a.addObject();
            if (t.upTo() == null) {
                o.putNull("up_to");
            } else {
                o.put("up_to", plain(t.upTo()));
            }
            o.put("unit_amount_decimal", plain(t.unitAmountDecimal()));
            o.put("flat_amount_minor", t.flatAmountMinor());
        }
    }

    static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }
}
