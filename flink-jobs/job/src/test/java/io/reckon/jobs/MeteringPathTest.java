package io.reckon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.testing.ProductionGraph;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobEdge;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.junit.jupiter.api.Test;

/**
 * The production graph's metering path: each metering input's records go from their decoder's task
 * straight to the keyed reconciliation (one network crossing), and only their watermarks reach the
 * invoice fence, through a filter chained to the decoder. Invoice lines pass the fence and then the
 * invoice line owners. The fence's rule itself is tested in
 * {@code EventTimeFenceTest}, its effect on a running job in {@code UntrustedTimeTest}.
 */
class MeteringPathTest {

    @Test
    void meteringRecordsGoStraightToTheReconciliationAndOnlyInvoiceLinesPassTheFence() {
        JobGraph graph = ProductionGraph.build().getJobGraph();
        JobVertex reconcile = vertex(graph, "reconcile");
        JobVertex fence = vertex(graph, "event-time-fence");
        for (String input : List.of("usage", "usage_cloudevents", "reported")) {
            JobVertex decoder = vertex(graph, input + "-decode");
            assertThat(vertex(graph, input + "-watermarks"))
                    .as("the watermark filter runs in the decoder's task")
                    .isSameAs(decoder);
            assertThat(sources(reconcile))
                    .as("%s feeds the reconciliation directly", input)
                    .contains(decoder);
            assertThat(sources(fence))
                    .as("%s's watermarks reach the fence", input)
                    .contains(decoder);
        }
        JobVertex invoices = vertex(graph, "invoices-decode");
        assertThat(sources(fence)).contains(invoices);
        // Then each line meets its other records, keyed by account and line_id, before its (account, meter).
        JobVertex owners = vertex(graph, "invoice-line-owners");
        assertThat(sources(owners)).containsExactly(fence);
        assertThat(sources(reconcile)).doesNotContain(invoices, fence).contains(owners);
    }

    /** The task whose chain holds the operator named {@code name}. */
    private static JobVertex vertex(JobGraph graph, String name) {
        for (JobVertex v : graph.getVertices()) {
            for (String operator : v.getName().replace("Source: ", "").split(" -> ")) {
                if (operator.equals(name)) {
                    return v;
                }
            }
        }
        throw new AssertionError("no task holds " + name);
    }

    private static List<JobVertex> sources(JobVertex v) {
        return v.getInputs().stream()
                .map(JobEdge::getSource)
                .map(ds -> ds.getProducer())
                .toList();
    }
}
