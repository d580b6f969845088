package io.reckon.jobs.testing;

import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.ContractJson;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.pricing.ContractVersion;

/** Contract versions for tests, written in the spec's JSON format. */
public final class Contracts {

    private Contracts() {}

    /** A one-meter per_unit contract: {@code unitMinor} minor units per unit, nothing included. */
    public static String perUnit(String account, int version, String effectiveFrom, String meter, String unitMinor) {
        return """
                {"account_id":"%s","version":%d,"effective_from":"%s","currency":"usd",
                 "meters":[{"meter":"%s","pricing":{"model":"per_unit","unit_amount_decimal":"%s"}}]}
                """
                .formatted(account, version, effectiveFrom, meter, unitMinor);
    }

    public static ContractEvent event(String json) {
        try {
            ContractVersion v = ContractJson.parse(json);
            return new ContractEvent(v.accountId(), v.version(), ContractJson.write(v));
        } catch (InvalidRecordException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
