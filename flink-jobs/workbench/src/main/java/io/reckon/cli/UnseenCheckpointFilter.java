package io.reckon.cli;

import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.filter.AbstractFilter;

/**
 * Drops one benign ERROR of Flink 2.2 from the command line's console, and nothing else.
 *
 * <p>Flink's {@code OperatorCoordinatorHolder.notifyCheckpointAborted} reopens the event gateways of an
 * operator coordinator (here the Kafka sources' split enumerators) for the aborted checkpoint, and
 * {@code SubtaskGatewayImpl} throws {@code IllegalStateException("Trying to open gateway for unseen
 * checkpoint ...")} when that coordinator was never asked to take part in the checkpoint. That happens
 * when a checkpoint is aborted before it reaches the coordinators, for instance as the bounded action job
 * of {@code reckon demo} finishes (its sources end within seconds, while a periodic checkpoint is being
 * triggered). The checkpoint is aborted either way and nothing is lost; the exception only escapes into
 * the JobManager's RPC main thread, which logs it with its stack trace as "Caught exception while
 * executing runnable in main thread." (logger {@code PekkoRpcActor}). Newer Flink code skips unknown
 * checkpoint ids there instead of throwing.
 *
 * <p>Lowering the whole RPC logger would hide real errors of the main thread; this filter matches that
 * one exception by class and message and lets every other event through.
 */
@Plugin(name = "UnseenCheckpointFilter", category = Node.CATEGORY, elementType = Filter.ELEMENT_TYPE)
public final class UnseenCheckpointFilter extends AbstractFilter {

    static final String MESSAGE_PREFIX = "Trying to open gateway for unseen checkpoint";

    private UnseenCheckpointFilter() {
        super(Result.DENY, Result.NEUTRAL);
    }

    @PluginFactory
    public static UnseenCheckpointFilter createFilter() {
        return new UnseenCheckpointFilter();
    }

    @Override
    public Result filter(LogEvent event) {
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException
                    && t.getMessage() != null
                    && t.getMessage().startsWith(MESSAGE_PREFIX)) {
                return onMatch;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return onMismatch;
    }
}
