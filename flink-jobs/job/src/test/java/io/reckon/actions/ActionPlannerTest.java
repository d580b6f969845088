package io.reckon.actions;

import static io.reckon.actions.ActionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ActionPlannerTest {

    private static final Duration WAIT = Duration.ofMinutes(5);

    private KeyedTwoInputStreamOperatorTestHarness<String, AnomalyRecord, ContractEvent, ActionCommand> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new ActionPlanner(policy(false), WAIT)),
                (AnomalyRecord a) -> a.accountId,
                (ContractEvent c) -> c.accountId,
                Types.STRING);
        harness.setProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void anAnomalyWaitsForItsContractAndGetsTheLatestVersionsIds() throws Exception {
        harness.processElement1(new StreamRecord<>(anomaly("UNBILLED_USAGE", "acct_1", 1, 50_000, true)));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processElement2(new StreamRecord<>(contract("acct_1", 2, "cus_new", "co_new")));
        harness.processElement2(new StreamRecord<>(contract("acct_1", 1, "cus_old", "co_old")));
        harness.processElement1(new StreamRecord<>(anomaly("UNBILLED_USAGE", "acct_1", 2, 60_000, true)));

        assertThat(invoices()).containsExactly("1:cus_new", "2:cus_new");
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void withoutAContractTheAnomalyIsPlannedAfterTheWaitWithoutIds() throws Exception {
        harness.processElement1(new StreamRecord<>(anomaly("UNBILLED_USAGE", "acct_1", 1, 50_000, true)));
        harness.setProcessingTime(WAIT.toMillis() - 1);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(WAIT.toMillis());
        assertThat(invoices()).containsExactly("1:null");
    }

    @Test
    void theEndOfABoundedInputReleasesAnomaliesStillWaiting() throws Exception {
        harness.processElement1(new StreamRecord<>(anomaly("UNBILLED_USAGE", "acct_1", 1, 50_000, true)));
        harness.processWatermark1(Watermark.MAX_WATERMARK);
        harness.processWatermark2(Watermark.MAX_WATERMARK);
        assertThat(invoices()).containsExactly("1:null");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    private List<String> invoices() {
        return harness.extractOutputValues().stream()
                .filter(c -> c.kind.equals("stripe_draft_invoice"))
                .map(c -> c.anomalyRevision + ":" + c.stripeCustomerId)
                .collect(Collectors.toList());
    }

    private static ContractEvent contract(String account, int version, String stripe, String crm) {
        return new ContractEvent(
                account,
                version,
                "{\"account_id\":\"" + account + "\",\"version\":" + version + ",\"stripe_customer_id\":\"" + stripe
                        + "\",\"crm_account_id\":\"" + crm + "\"}");
    }
}
