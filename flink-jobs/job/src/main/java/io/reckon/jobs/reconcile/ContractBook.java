package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.ContractJson;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.pricing.ContractHistory;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.PeriodCut;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The contracts of every account, parsed: a cache of the broadcast state (a few versions per account),
 * rebuilt from it after a restore. Answers which terms price a key's period, and how an account's time
 * is cut into periods.
 */
final class ContractBook {

    /** Broadcast state: "account_id U+001F version" to the contract version's canonical JSON. */
    static final MapStateDescriptor<String, String> CONTRACTS =
            new MapStateDescriptor<>("contracts", Types.STRING, Types.STRING);

    /** Why a key's period is not priced. */
    enum Unmapped {
        NO_CONTRACT("no_contract"),
        METER_NOT_IN_CONTRACT("meter_not_in_contract");

        final String reason;

        Unmapped(String reason) {
            this.reason = reason;
        }
    }

    /** The contract version that applies to a period and the terms of the key's meter in it. */
    record Terms(ContractVersion contract, MeterTerms meter) {}

    private Map<String, ContractHistory> byAccount;
    /** The period cut of each account asked for; an account's is dropped when a version of it arrives. */
    private final Map<String, PeriodCut> cuts = new HashMap<>();

    boolean loaded() {
        return byAccount != null;
    }

    /** Fills the cache from broadcast state, once per operator instance. */
    void load(ReadOnlyBroadcastState<String, String> state) throws Exception {
        if (byAccount != null) {
            return;
        }
        byAccount = new HashMap<>();
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            add(e.getValue());
        }
    }

    static String stateKey(String accountId, int version) {
        return accountId + '\u001f' + version;
    }

    /** Adds a version (its canonical JSON, as broadcast state holds it). */
    void add(String json) {
        try {
            ContractVersion v = ContractJson.parse(json);
            cuts.remove(v.accountId());
            byAccount.computeIfAbsent(v.accountId(), a -> new ContractHistory()).put(v);
        } catch (InvalidRecordException e) {
            // Contracts are validated at ingest, and broadcast state only holds what this code wrote.
            throw new IllegalStateException("contract in broadcast state cannot be read: " + e.getMessage(), e);
        }
    }

    /** The account's contract version for the period starting at {@code periodStart}, if any. */
    Optional<ContractVersion> contractFor(String accountId, long periodStart) {
        ContractHistory h = byAccount.get(accountId);
        return h == null ? Optional.empty() : h.applicableTo(periodStart);
    }

    /** The terms that price {@code key}'s period starting at {@code periodStart}, if it is mapped. */
    Optional<Terms> termsFor(MeterKey key, long periodStart) {
        Optional<ContractVersion> contract = contractFor(key.accountId(), periodStart);
        if (contract.isEmpty()) {
            return Optional.empty();
        }
        return contract.get().meter(key.meter()).map(m -> new Terms(contract.get(), m));
    }

    /** Why {@code key}'s period is not priced; call when {@link #termsFor} is empty. */
    Unmapped whyUnmapped(MeterKey key, long periodStart) {
        return contractFor(key.accountId(), periodStart).isEmpty()
                ? Unmapped.NO_CONTRACT
                : Unmapped.METER_NOT_IN_CONTRACT;
    }

    /**
     * How the account's time is cut into periods ({@link PeriodCut}): calendar months from the default
     * anchor day without a contract.
     */
    PeriodCut cut(String accountId) {
        PeriodCut cached = cuts.get(accountId);
        if (cached != null) {
            return cached;
        }
        ContractHistory h = byAccount.get(accountId);
        PeriodCut cut = h == null ? PeriodCut.monthly(ContractVersion.DEFAULT_BILLING_ANCHOR_DAY) : PeriodCut.of(h);
        cuts.put(accountId, cut);
        return cut;
    }
}
