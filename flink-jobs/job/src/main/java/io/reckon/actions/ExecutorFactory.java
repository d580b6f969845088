package io.reckon.actions;

import io.reckon.connectors.actions.ActionExecutor;
import java.io.Serializable;
import java.util.Map;

/**
 * Builds the executors of a subtask when it opens, so that HTTP clients and secrets are created on the
 * task manager and never serialized with the job graph.
 */
@FunctionalInterface
public interface ExecutorFactory extends Serializable {

    /**
     * The executors by target: {@code stripe}, {@code hubspot}, or a webhook endpoint's name. A target
     * without an executor makes its actions fail with that reason.
     */
    Map<String, ActionExecutor> create() throws Exception;
}
