package io.reckon.connectors.kafka;

import java.io.Serializable;
import java.util.function.Function;

/** A {@link Function} that Flink can ship to task managers inside a serializer or source. */
@FunctionalInterface
public interface SerializableFunction<A, B> extends Function<A, B>, Serializable {}
