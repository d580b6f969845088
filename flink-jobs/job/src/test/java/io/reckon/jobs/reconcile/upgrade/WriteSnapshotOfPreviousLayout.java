package io.reckon.jobs.reconcile.upgrade;

import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.reconcile.ReconcileFunction;
import io.reckon.jobs.reconcile.ReconcileOperator;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

/**
 * Writes the snapshot that {@code UpgradeFromPreviousLayoutTest} restores: the reconcile operator of
 * the state layout before the order-independent core (commit d1363a2), run over {@link
 * UpgradeScenario#before()} and snapshotted with heap state. Not a test: it was run once at that
 * commit, and its output is committed as {@value #RESOURCE}. Running it on a later layout would
 * overwrite the resource with that layout's state.
 */
public final class WriteSnapshotOfPreviousLayout {

    public static final String RESOURCE = "upgrade/reconcile-layout-1.snapshot";
    /** How many anomaly revisions the previous layout emitted before the snapshot. */
    public static final String REVISIONS_RESOURCE = "upgrade/reconcile-layout-1.revisions.txt";

    private WriteSnapshotOfPreviousLayout() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources");
        KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new ReconcileOperator(new ReconcileFunction(ReconSettings.defaults())),
                        MeterEvent::key,
                        Types.STRING,
                        1,
                        1,
                        0);
        h.open();
        UpgradeScenario.feed(h, UpgradeScenario.before());
        h.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        StringBuilder revisions = new StringBuilder();
        for (AnomalyRecord a : h.extractOutputValues()) {
            revisions
                    .append(String.join(
                            " ",
                            a.type,
                            a.accountId,
                            a.meter,
                            Long.toString(a.periodStart),
                            Integer.toString(a.revision),
                            a.status,
                            Long.toString(a.amountMinor),
                            Boolean.toString(a.finalRevision),
                            Long.toString(a.periodEnd),
                            a.currency,
                            a.actualQuantity.toPlainString(),
                            a.reportedQuantity.toPlainString(),
                            Long.toString(a.expectedAmountMinor),
                            Long.toString(a.pricedReportedAmountMinor),
                            String.valueOf(a.billedAmountMinor)))
                    .append('\n');
        }
        h.close();
        Path out = dir.resolve(RESOURCE);
        Files.createDirectories(out.getParent());
        OperatorSnapshotUtil.writeStateHandle(snapshot, out.toString());
        Files.writeString(dir.resolve(REVISIONS_RESOURCE), revisions.toString());
        System.out.println("wrote " + out + " (" + Files.size(out) + " bytes)");
    }
}
