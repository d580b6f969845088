package io.reckon.connectors.stripe.source;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Hands the source's one split to subtask 0 (a Stripe account's events and summaries are one ordered
 * stream each; more readers would only compete for the same rate limit) and tells every reader that no
 * more splits come. A split given back on failover goes to subtask 0 again when it registers.
 */
final class StripeSplitEnumerator implements SplitEnumerator<StripeSplit, List<StripeSplit>> {

    private final SplitEnumeratorContext<StripeSplit> context;
    private final List<StripeSplit> pending;

    StripeSplitEnumerator(SplitEnumeratorContext<StripeSplit> context, List<StripeSplit> pending) {
        this.context = context;
        this.pending = new ArrayList<>(pending);
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<StripeSplit> splits, int subtaskId) {
        pending.addAll(splits);
        if (context.registeredReaders().containsKey(0)) {
            assignPending();
        }
    }

    @Override
    public void addReader(int subtaskId) {
        if (subtaskId == 0) {
            assignPending();
        }
        context.signalNoMoreSplits(subtaskId);
    }

    private void assignPending() {
        for (StripeSplit split : pending) {
            context.assignSplit(split, 0);
        }
        pending.clear();
    }

    @Override
    public List<StripeSplit> snapshotState(long checkpointId) {
        return List.copyOf(pending);
    }

    @Override
    public void close() {}
}
