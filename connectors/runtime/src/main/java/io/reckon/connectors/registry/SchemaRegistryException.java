package io.reckon.connectors.registry;

/**
 * The registry could not answer (unreachable, 5xx, unauthorised) or refused a registration. Unchecked
 * on purpose: a Flink job should fail and restart from its last checkpoint rather than dead-letter
 * good records while the registry is down.
 */
public final class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
