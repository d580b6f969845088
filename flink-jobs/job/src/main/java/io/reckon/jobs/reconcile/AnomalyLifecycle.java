package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.Finding;
import java.util.Optional;

/**
 * Decides whether a finding becomes a new revision, and with which status.
 *
 * <ul>
 *   <li>A condition that starts to hold opens the anomaly (revision 1, or the next revision when it
 *       was resolved before): status {@code open}.
 *   <li>While it holds, every change of its figures, of its end (a gap that a late record lengthens
 *       without changing its figures, a period that a contract version cut anew), and the step to final,
 *       is a revision with status {@code updated}. A late record after the period was final lands here too.
 *   <li>When it stops holding, one last revision with status {@code resolved}; a resolved anomaly gets
 *       one more resolved revision when its period becomes final, so consumers learn it is settled.
 * </ul>
 */
public final class AnomalyLifecycle {

    private AnomalyLifecycle() {}

    /**
     * The status of the next revision, or empty when nothing is to be emitted; {@code end} is where the
     * finding's span ends (a signal's last hour, a billing period's end).
     */
    public static Optional<String> nextStatus(
            AnomalyState previous, Finding finding, long end, boolean finalEvaluation) {
        if (finding.holds()) {
            if (previous == null || !previous.isOpen()) {
                return Optional.of("open");
            }
            if (previous.figuresDiffer(finding)
                    || previous.signalEnd != end
                    || (finalEvaluation && !previous.finalRevision)) {
                return Optional.of("updated");
            }
            return Optional.empty();
        }
        if (previous == null) {
            return Optional.empty();
        }
        if (previous.isOpen() || (finalEvaluation && !previous.finalRevision)) {
            return Optional.of("resolved");
        }
        return Optional.empty();
    }

    /** The state to remember after emitting a revision of {@code finding}. */
    public static AnomalyState advance(AnomalyState previous, Finding finding, String status, boolean finalEvaluation) {
        AnomalyState next = new AnomalyState();
        next.revision = previous == null ? 1 : previous.revision + 1;
        next.status = status;
        next.finalRevision = finalEvaluation;
        next.actualQuantity = finding.actual();
        next.reportedQuantity = finding.reported();
        next.expectedAmountMinor = finding.expectedMinor();
        next.pricedReportedAmountMinor = finding.pricedReportedMinor();
        next.billedAmountMinor = finding.billedMinor();
        next.amountMinor = finding.amountMinor();
        next.currency = finding.currency();
        next.baseline = finding.baseline();
        return next;
    }
}
