package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.testing.SinkRows;

/** The one comparison every fault test makes: the outputs of a disturbed run against a clean one. */
final class FaultAssertions {

    private FaultAssertions() {}

    /**
     * Same anomaly ids and revisions as a multiset (so a revision written twice fails even if the set
     * of ids matches), every revision once, the same records field by field (final figures included),
     * the same dead letters and the same rows in the four sink tables.
     */
    static void assertSameOutputs(FaultHarness.Outputs actual, FaultHarness.Outputs reference) {
        assertThat(reference.anomalyRevisionCounts())
                .as("the reference run found anomalies")
                .isNotEmpty();
        assertThat(actual.anomalyRevisionCounts())
                .as("(anomaly_id, revision) multiset read with read_committed")
                .containsExactlyInAnyOrderEntriesOf(reference.anomalyRevisionCounts());
        assertThat(actual.anomalyRevisionCounts().values())
                .as("no revision written twice")
                .containsOnly(1);
        assertThat(actual.anomalies()).as("anomaly records field by field").isEqualTo(reference.anomalies());
        assertThat(actual.deadLetters()).as("dead letters").isEqualTo(reference.deadLetters());
        for (String table : SinkRows.TABLES) {
            assertThat(actual.tables().get(table))
                    .as("rows of " + table)
                    .containsExactlyElementsOf(reference.tables().get(table));
        }
    }
}
