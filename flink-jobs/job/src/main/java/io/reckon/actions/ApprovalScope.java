package io.reckon.actions;

/**
 * Whether a person's decision applies to the action as it is proposed now. An approval names what it
 * approves (anomaly revision, amount and, optionally, currency), so an approval given for 250.00 never
 * executes a proposal that has grown to 400.00: that needs a new approval. Pure logic, no Flink types.
 *
 * <ul>
 *   <li>A rejection applies whatever revision or amount it names: it never moves money.
 *   <li>An approval applies when it names the proposed revision and amount, or an earlier revision at the
 *       same amount (a later revision that changed other fields, such as finality, asks for no more money).
 *   <li>An approval naming a later revision than the one proposed was given for a proposal this operator
 *       has not read yet (the two topics are read at their own pace): it waits for that revision.
 *   <li>Anything else (another amount or currency, or the proposed revision at another amount) does not
 *       apply: the approval is dead-lettered with this reason and the action stays proposed.
 * </ul>
 */
public final class ApprovalScope {

    /** What to do with a decision. */
    public enum Verdict {
        APPLIES,
        WAIT_FOR_REVISION,
        DOES_NOT_APPLY
    }

    /** A verdict and, for {@link Verdict#DOES_NOT_APPLY}, why. */
    public record Result(Verdict verdict, String reason) {}

    private ApprovalScope() {}

    /** Judges {@code decision} against {@code proposal}, the latest proposed revision of its action. */
    public static Result judge(ActionCommand proposal, ApprovalRecord decision) {
        if (!decision.approved()) {
            return new Result(Verdict.APPLIES, null);
        }
        if (decision.anomalyRevision == null || decision.amountMinor == null) {
            return doesNotApply(proposal, decision);
        }
        if (decision.anomalyRevision > proposal.anomalyRevision) {
            return new Result(Verdict.WAIT_FOR_REVISION, null);
        }
        boolean sameAmount = decision.amountMinor == proposal.amountMinor
                && (decision.currency == null || decision.currency.equalsIgnoreCase(proposal.currency));
        return sameAmount ? new Result(Verdict.APPLIES, null) : doesNotApply(proposal, decision);
    }

    private static Result doesNotApply(ActionCommand proposal, ApprovalRecord decision) {
        return new Result(
                Verdict.DOES_NOT_APPLY,
                "approval by " + decision.approver + " of action " + proposal.actionId + " names "
                        + decision.scope() + ", but revision " + proposal.anomalyRevision + " proposes "
                        + RuleMatch.majorUnits(proposal.amountMinor, proposal.currency)
                                .toPlainString() + " "
                        + proposal.currency + "; the action waits for an approval of that amount");
    }
}
