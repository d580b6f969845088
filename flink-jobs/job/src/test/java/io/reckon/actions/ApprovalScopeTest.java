package io.reckon.actions;

import static io.reckon.actions.ActionFixtures.anomaly;
import static io.reckon.actions.ActionFixtures.approval;
import static io.reckon.actions.ActionFixtures.command;
import static io.reckon.actions.ActionFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.actions.ApprovalScope.Verdict;
import org.junit.jupiter.api.Test;

class ApprovalScopeTest {

    private final ActionCommand proposedAt400 = command(
            policy(true), anomaly("UNDER_REPORTED_USAGE", "acct_1", 3, 40_000, true), ActionKind.STRIPE_DRAFT_INVOICE);

    @Test
    void anApprovalOfTheProposedRevisionAndAmountApplies() {
        assertThat(ApprovalScope.judge(proposedAt400, approval(proposedAt400, "ana@example.com")))
                .isEqualTo(new ApprovalScope.Result(Verdict.APPLIES, null));
    }

    @Test
    void anApprovalOfASmallerEarlierAmountDoesNotApplyAndSaysWhy() {
        ApprovalScope.Result r =
                ApprovalScope.judge(proposedAt400, approval(proposedAt400.actionId, 2, 25_000, "ana@example.com"));
        assertThat(r.verdict()).isEqualTo(Verdict.DOES_NOT_APPLY);
        assertThat(r.reason())
                .isEqualTo("approval by ana@example.com of action " + proposedAt400.actionId
                        + " names revision 2 at 250.00 usd, but revision 3 proposes 400.00 usd; the action waits for"
                        + " an approval of that amount");
    }

    @Test
    void aLargerAmountDoesNotApplyEither() {
        assertThat(ApprovalScope.judge(proposedAt400, approval(proposedAt400.actionId, 3, 40_001, "ana@example.com"))
                        .verdict())
                .isEqualTo(Verdict.DOES_NOT_APPLY);
    }

    @Test
    void anEarlierRevisionAtTheSameAmountApplies() {
        assertThat(ApprovalScope.judge(proposedAt400, approval(proposedAt400.actionId, 1, 40_000, "ana@example.com"))
                        .verdict())
                .isEqualTo(Verdict.APPLIES);
    }

    @Test
    void aLaterRevisionWaitsWhateverItsAmount() {
        assertThat(ApprovalScope.judge(proposedAt400, approval(proposedAt400.actionId, 4, 90_000, "ana@example.com"))
                        .verdict())
                .isEqualTo(Verdict.WAIT_FOR_REVISION);
    }

    @Test
    void anotherCurrencyDoesNotApplyAndNoCurrencyMeansTheProposals() {
        ApprovalRecord eur = approval(proposedAt400, "ana@example.com");
        eur.currency = "eur";
        assertThat(ApprovalScope.judge(proposedAt400, eur).verdict()).isEqualTo(Verdict.DOES_NOT_APPLY);
        ApprovalRecord none = approval(proposedAt400, "ana@example.com");
        none.currency = null;
        assertThat(ApprovalScope.judge(proposedAt400, none).verdict()).isEqualTo(Verdict.APPLIES);
    }

    @Test
    void anApprovalThatNamesNothingDoesNotApplyButARejectionAlwaysDoes() {
        assertThat(ApprovalScope.judge(proposedAt400, approval(proposedAt400.actionId, "approved", "ana@example.com"))
                        .reason())
                .contains("names no revision and amount, but revision 3 proposes 400.00 usd");
        assertThat(ApprovalScope.judge(proposedAt400, approval(proposedAt400.actionId, "rejected", "bo@example.com"))
                        .verdict())
                .isEqualTo(Verdict.APPLIES);
    }
}
