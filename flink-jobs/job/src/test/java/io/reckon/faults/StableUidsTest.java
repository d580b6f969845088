package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.testing.ProductionGraph;
import java.util.List;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid; an operator without one gets a hash of the graph's shape,
 * which changes with any edit upstream and strands its state. Every node of the production graph,
 * sources, decoders, the reconciliation, sink writers and committers, must carry an explicit uid.
 */
class StableUidsTest {

    @Test
    void everyOperatorOfTheProductionJobGraphHasAnExplicitUniqueUid() {
        StreamGraph graph = ProductionGraph.build();

        List<String> withoutUid = graph.getStreamNodes().stream()
                .filter(n -> n.getTransformationUID() == null)
                .map(StreamNode::getOperatorName)
                .toList();
        List<String> uids = graph.getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .toList();
        System.out.println("operator uids: " + uids);
        assertThat(withoutUid).as("operators without a uid").isEmpty();
        assertThat(uids).doesNotHaveDuplicates().hasSizeGreaterThan(15);
    }
}
