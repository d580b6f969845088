package io.reckon.connectors.registry;

/**
 * A payload that can never be decoded, whatever the retries: the message says why in words fit for a
 * dead letter. Transient problems (registry unreachable) are {@link SchemaRegistryException}s instead.
 */
public final class UndecodableRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    public UndecodableRecordException(String reason) {
        super(reason);
    }

    public UndecodableRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
