package io.reckon.connectors.stripe.source;

import io.reckon.avro.Contract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A {@link ContractLookup} over contracts given up front; see {@link ContractLookup#fixed}. */
final class FixedContracts implements ContractLookup {

    private final ContractIndex index;

    FixedContracts(List<byte[]> encoded) {
        List<Contract> contracts = new ArrayList<>();
        for (byte[] bytes : encoded) {
            try {
                contracts.add(Contract.fromByteBuffer(ByteBuffer.wrap(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        this.index = ContractIndex.of(contracts);
    }

    static byte[] encode(Contract contract) {
        try {
            ByteBuffer buffer = contract.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ContractIndex refresh() {
        return index;
    }

    @Override
    public void close() {}
}
