package io.reckon.jobs.reconcile.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.reconcile.ReconcileFunction;
import io.reckon.jobs.reconcile.ReconcileOperator;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.testing.FinalAnomalies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * The upgrade path from the first state layout: a snapshot the previous reconcile operator took in
 * the middle of a stream (committed, see {@link WriteSnapshotOfPreviousLayout}) restores into the
 * current operator, which finishes the stream with the same final anomalies as a run of the current
 * operator over the whole stream, and continues the revision numbers of the anomalies opened before
 * the snapshot.
 */
class UpgradeFromPreviousLayoutTest {

    @Test
    void aSnapshotOfThePreviousLayoutRestoresAndEndsWithTheAnswerOfAFreshRun() throws Exception {
        List<AnomalyRecord> fresh = run(null, UpgradeScenario.all());

        Path snapshot = Path.of(getClass()
                .getResource("/" + WriteSnapshotOfPreviousLayout.RESOURCE)
                .toURI());
        List<AnomalyRecord> upgraded =
                run(OperatorSnapshotUtil.readStateHandle(snapshot.toString()), UpgradeScenario.after());

        FinalAnomalies expected = new FinalAnomalies(fresh);
        FinalAnomalies actual = new FinalAnomalies(concat(before(), upgraded));
        assertThat(expected.standing()).hasSizeGreaterThan(5);
        assertThat(actual.differencesFrom(expected)).isEmpty();
        assertThat(actual.allFinal()).isTrue();

        // Revisions after the upgrade go on from the numbers the previous layout reached.
        Map<String, Integer> lastBefore = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(getClass()
                .getResource("/" + WriteSnapshotOfPreviousLayout.REVISIONS_RESOURCE)
                .toURI()))) {
            String[] f = line.split(" ");
            lastBefore.merge(f[0] + " " + f[1] + " " + f[2] + " " + f[3], Integer.parseInt(f[4]), Math::max);
        }
        long continued = 0;
        for (AnomalyRecord a : upgraded) {
            Integer before = lastBefore.get(a.type + " " + a.accountId + " " + a.meter + " " + a.periodStart);
            if (before != null) {
                assertThat(a.revision)
                        .as("revision of %s %s after the upgrade", a.type, a.anomalyId)
                        .isGreaterThan(before);
                continued++;
            }
        }
        assertThat(continued)
                .as("anomalies of the previous layout that got further revisions")
                .isPositive();
    }

    /** The previous layout's revisions before the snapshot, as far as the comparison needs them. */
    private List<AnomalyRecord> before() throws Exception {
        List<AnomalyRecord> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(Path.of(getClass()
                .getResource("/" + WriteSnapshotOfPreviousLayout.REVISIONS_RESOURCE)
                .toURI()))) {
            String[] f = line.split(" ");
            AnomalyRecord a = new AnomalyRecord();
            a.type = f[0];
            a.accountId = f[1];
            a.meter = f[2];
            a.periodStart = Long.parseLong(f[3]);
            a.revision = Integer.parseInt(f[4]);
            a.status = f[5];
            a.amountMinor = Long.parseLong(f[6]);
            a.finalRevision = Boolean.parseBoolean(f[7]);
            a.periodEnd = Long.parseLong(f[8]);
            a.currency = f[9];
            a.actualQuantity = new java.math.BigDecimal(f[10]);
            a.reportedQuantity = new java.math.BigDecimal(f[11]);
            a.expectedAmountMinor = Long.parseLong(f[12]);
            a.pricedReportedAmountMinor = Long.parseLong(f[13]);
            a.billedAmountMinor = f[14].equals("null") ? null : Long.valueOf(f[14]);
            a.anomalyId = io.reckon.jobs.reconcile.AnomalyIds.of(a.type, a.accountId, a.meter, a.periodStart);
            out.add(a);
        }
        return out;
    }

    private static List<AnomalyRecord> concat(List<AnomalyRecord> a, List<AnomalyRecord> b) {
        List<AnomalyRecord> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<AnomalyRecord> run(OperatorSubtaskState restore, List<UpgradeScenario.Step> steps)
            throws Exception {
        KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new ReconcileOperator(new ReconcileFunction(ReconSettings.defaults())),
                        MeterEvent::key,
                        Types.STRING,
                        1,
                        1,
                        0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        UpgradeScenario.feed(h, steps);
        List<AnomalyRecord> out = h.extractOutputValues();
        h.close();
        return out;
    }
}
