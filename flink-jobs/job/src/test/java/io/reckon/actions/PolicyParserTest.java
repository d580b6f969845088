package io.reckon.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyParserTest {

    private static final Path EXAMPLE = Path.of("..", "..", "docs", "examples", "action-policy.yaml");

    @TempDir
    Path dir;

    @Test
    void theDocumentedExamplePolicyParsesToItsThreeRulesInFileOrder() {
        ActionPolicy p = PolicyParser.fromFile(EXAMPLE, Set.of("finance"));
        assertThat(p.rules())
                .extracting(PolicyRule::name)
                .containsExactly("invoice-big-leaks", "review-other-leaks", "notify-finance");
        PolicyRule invoice = p.rules().get(0);
        assertThat(invoice.action()).isEqualTo(ActionKind.STRIPE_DRAFT_INVOICE);
        assertThat(invoice.requireApproval()).isTrue();
        assertThat(invoice.match().minAmount()).isEqualByComparingTo("100.00");
        assertThat(invoice.match().minConfidence()).isEqualByComparingTo("0.9");
        assertThat(invoice.match().finalOnly()).isTrue();
        assertThat(p.rules().get(1).match().minAmountMinor()).isEqualTo(500L);
        assertThat(p.rules().get(2).match().finalOnly()).isFalse();
        assertThat(p.webhookEndpoints()).containsExactly("finance");
    }

    @Test
    void theExampleNeedsItsWebhookEndpointConfigured() {
        assertThatThrownBy(() -> PolicyParser.fromFile(EXAMPLE, Set.of()))
                .hasMessageContaining("rule 3 (notify-finance): webhook endpoint 'finance' is not configured"
                        + " (set actions.webhooks.finance.url");
    }

    @Test
    void anUnknownKeyIsRefusedWithTheNearestValidOne() throws Exception {
        assertThatThrownBy(() -> parse("rules:\n  - name: a\n    action: crm_task\n    match: {min-amout: 5}\n"))
                .hasMessageContaining("rule 1 (a): match: unknown key 'min-amout' (did you mean 'min-amount'?)");
        assertThatThrownBy(() -> parse("rules:\n  - name: a\n    action: crm_task\n    require_approval: true\n"))
                .hasMessageContaining("unknown key 'require_approval' (did you mean 'require-approval'?)");
        assertThatThrownBy(() -> parse("rule:\n  - name: a\n"))
                .hasMessageContaining("unknown key 'rule' (the policy has only 'rules')");
    }

    @Test
    void anUnknownAnomalyTypeSeverityOrActionIsRefused() throws Exception {
        assertThatThrownBy(() ->
                        parse("rules:\n  - name: a\n    action: crm_task\n    match: {types: [UNDER_REPORTED]}\n"))
                .hasMessageContaining("unknown anomaly type 'UNDER_REPORTED' (did you mean 'UNDER_REPORTED_USAGE'?)");
        assertThatThrownBy(() -> parse("rules:\n  - name: a\n    action: crm_task\n    match: {severities: [huge]}\n"))
                .hasMessageContaining("unknown severity 'huge'; one of [low, medium, high, critical]");
        assertThatThrownBy(() -> parse("rules:\n  - name: a\n    action: email\n"))
                .hasMessageContaining(
                        "rule 1 (a): unknown action 'email'; one of stripe_draft_invoice, crm_task, webhook");
    }

    @Test
    void aFractionalAmountMustBeQuotedToStayExact() throws Exception {
        assertThatThrownBy(() -> parse("rules:\n  - name: a\n    action: crm_task\n    match: {min-amount: 100.10}\n"))
                .hasMessageContaining("write a fractional amount as a quoted string");
        ActionPolicy p = parse("rules:\n  - name: a\n    action: crm_task\n    match: {min-amount: '100.10'}\n");
        assertThat(p.rules().get(0).match().minAmount()).isEqualTo(new BigDecimal("100.10"));
    }

    @Test
    void rulesCanBeGivenInlineInTheFlinkConfiguration() {
        Configuration conf = new Configuration();
        conf.set(ActionOptions.POLICY_RULES, "- name: everything\n  action: webhook\n  endpoints: [ops]\n");
        conf.setString("actions.webhooks.ops.url", "https://ops.example.com/hook");
        ActionPolicy p = PolicyParser.fromConfiguration(conf);
        assertThat(p.rules()).hasSize(1);
        assertThat(p.rules().get(0).match().finalOnly()).isTrue();
        assertThat(ActionOptions.webhooks(conf).get("ops").url()).isEqualTo("https://ops.example.com/hook");
    }

    @Test
    void noPolicyMeansNoActions() {
        assertThat(PolicyParser.fromConfiguration(new Configuration()).rules()).isEmpty();
    }

    @Test
    void twoRulesWithOneNameAreRefused() throws Exception {
        assertThatThrownBy(() -> parse("rules:\n  - {name: a, action: crm_task}\n  - {name: a, action: crm_task}\n"))
                .hasMessageContaining("rule name 'a' is used twice");
    }

    private ActionPolicy parse(String yaml) throws Exception {
        Path f = dir.resolve("policy.yaml");
        Files.writeString(f, yaml);
        return PolicyParser.fromFile(f, Set.of());
    }
}
