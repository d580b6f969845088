package io.reckon.actions;

import static io.reckon.actions.ActionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.AnomalyRecord;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActionPolicyTest {

    private final ActionPolicy policy = policy(false);
    private final ContractRefs refs = new ContractRefs(3, "cus_9", "co_9");

    @Test
    void aBigFinalLeakBecomesAnInvoiceAndNotATask() {
        List<ActionCommand> plan = policy.plan(anomaly("UNBILLED_USAGE", "acct_1", 2, 10_000, true), refs);
        assertThat(plan)
                .extracting(c -> c.kind + ":" + c.matches + ":" + c.policy)
                .containsExactly(
                        "stripe_draft_invoice:true:invoice-big",
                        "crm_task:false:task-rest",
                        "webhook:false:notify-finance");
        assertThat(plan.get(1).whyNot).isEqualTo("rule invoice-big (earlier in the policy) chose stripe_draft_invoice");
        assertThat(plan.get(0).stripeCustomerId).isEqualTo("cus_9");
        assertThat(plan.get(0).title)
                .isEqualTo(
                        "UNBILLED_USAGE: 100.00 USD on acct_1/api_calls for the period from" + " 2026-03-01T00:00:00Z");
    }

    @Test
    void oneMinorUnitBelowTheMajorUnitThresholdBecomesATask() {
        List<ActionCommand> plan = policy.plan(anomaly("UNBILLED_USAGE", "acct_1", 2, 9_999, true), refs);
        assertThat(plan)
                .extracting(c -> c.kind + ":" + c.matches)
                .containsExactly("stripe_draft_invoice:false", "crm_task:true", "webhook:false");
        assertThat(plan.get(0).whyNot).isEqualTo("amount 99.99 usd is below 100.00");
    }

    @Test
    void aZeroDecimalCurrencyComparesWholeUnits() {
        AnomalyRecord yen = anomaly("UNBILLED_USAGE", "acct_1", 1, 150, true);
        yen.currency = "jpy";
        assertThat(policy.plan(yen, refs).get(0).matches).isTrue();
    }

    @Test
    void everyMatchingWebhookRuleDeliversToEachOfItsEndpoints() {
        ActionPolicy hooks = new ActionPolicy(List.of(
                new PolicyRule("all-high", match(Set.of("high")), ActionKind.WEBHOOK, List.of("finance", "ops"), false),
                new PolicyRule("all", match(Set.of()), ActionKind.WEBHOOK, List.of("audit"), false)));
        List<ActionCommand> plan = hooks.plan(anomaly("UNBILLED_USAGE", "acct_1", 1, 200_000, false), refs);
        assertThat(plan)
                .extracting(c -> c.target + ":" + c.matches + ":" + c.policy)
                .containsExactly("finance:true:all-high", "ops:true:all-high", "audit:true:all");
        assertThat(plan).extracting(c -> c.actionId).doesNotHaveDuplicates();
    }

    @Test
    void aNonFinalRevisionMatchesOnlyRulesThatAllowIt() {
        List<ActionCommand> plan = policy.plan(anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 500_000, false), refs);
        assertThat(plan)
                .extracting(c -> c.kind + ":" + c.matches)
                .containsExactly("stripe_draft_invoice:false", "crm_task:false", "webhook:true");
        assertThat(plan.get(0).whyNot).isEqualTo("revision 1 is not final");
    }

    @Test
    void theActionIdIsTheSameForEveryRevisionOfAnAnomaly() {
        String first = policy.plan(anomaly("UNBILLED_USAGE", "acct_1", 1, 10_000, true), refs)
                .get(0)
                .actionId;
        String later = policy.plan(anomaly("UNBILLED_USAGE", "acct_1", 5, 99_000, true), refs)
                .get(0)
                .actionId;
        String other = policy.plan(anomaly("UNBILLED_USAGE", "acct_2", 1, 10_000, true), refs)
                .get(0)
                .actionId;
        assertThat(later).isEqualTo(first).startsWith("act_").hasSize(36);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void aResolvedRevisionMatchesNoRule() {
        AnomalyRecord resolved = anomaly("UNBILLED_USAGE", "acct_1", 3, 0, true);
        resolved.status = "resolved";
        assertThat(policy.plan(resolved, refs))
                .allSatisfy(c -> assertThat(c.whyNot).isEqualTo("revision 3 resolved the anomaly"));
    }

    private static RuleMatch match(Set<String> severities) {
        return new RuleMatch(Set.of(), false, null, null, new BigDecimal("0.5"), severities);
    }
}
