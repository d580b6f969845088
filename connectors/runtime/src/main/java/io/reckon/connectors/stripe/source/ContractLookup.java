package io.reckon.connectors.stripe.source;

import io.reckon.avro.Contract;
import java.io.Serializable;
import java.util.List;

/**
 * Where the Stripe sources find the contracts that map Stripe's ids to (account, meter). Opened on a
 * task manager by a serializable {@link Factory}; {@link #refresh} reads what changed since the last
 * call, and returns the index of every contract seen.
 */
public interface ContractLookup extends AutoCloseable {

    /** Reads what is new and returns the index of every contract known. */
    ContractIndex refresh() throws java.io.IOException;

    @Override
    void close();

    /** Opens a {@link ContractLookup} where the source runs. */
    @FunctionalInterface
    interface Factory extends Serializable {
        ContractLookup open();
    }

    /** A fixed set of contracts (tests, a bounded run from files). */
    static Factory fixed(List<Contract> contracts) {
        // Avro records are not Serializable: keep their JSON-free binary through the index's own input.
        List<byte[]> encoded = contracts.stream().map(FixedContracts::encode).toList();
        return () -> new FixedContracts(encoded);
    }
}
