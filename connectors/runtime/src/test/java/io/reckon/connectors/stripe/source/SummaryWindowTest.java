package io.reckon.connectors.stripe.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.avro.Contract;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SummaryWindowTest {

    /**
     * v1 cuts on the 28th, v2 (from 5 April) on the 15th. On 20 April the reconciliation's open period
     * is [28 Mar, 28 Apr), v1's still (v2 applies from the first period that starts after 5 April), and
     * the one before it starts on 28 February: the 15th alone would read back to 15 March only.
     */
    @Test
    void anAccountWhoseVersionsMoveTheAnchorIsReadBackToItsEarliestWindow() {
        Instant now = Instant.parse("2026-04-20T10:30:00Z");
        Contract v1 = Contract.newBuilder(StripeFixtures.contract("acct_1", "cus_1", 1))
                .setBillingAnchorDay(28)
                .build();
        Contract v2 = Contract.newBuilder(StripeFixtures.contract("acct_1", "cus_1", 2))
                .setEffectiveFrom(Instant.parse("2026-04-05T00:00:00Z"))
                .setBillingAnchorDay(15)
                .build();

        ContractIndex.SummaryTarget target =
                ContractIndex.of(List.of(v1, v2)).summaryTargets().get(0);

        assertThat(target.anchorDays()).containsExactlyInAnyOrder(15, 28);
        assertThat(SummaryWindow.of(target.anchorDays(), now, 2).start())
                .isEqualTo(Instant.parse("2026-02-28T00:00:00Z"));
        assertThat(SummaryWindow.of(15, now, 2).start()).isEqualTo(Instant.parse("2026-03-15T00:00:00Z"));
        assertThat(SummaryWindow.of(target.anchorDays(), now, 2).end())
                .isEqualTo(Instant.parse("2026-04-20T11:00:00Z"));
    }

    @Test
    void oneAnchorDayGivesItsOwnWindow() {
        Instant now = Instant.parse("2026-04-20T10:30:00Z");
        assertThat(SummaryWindow.of(Set.of(15), now, 3)).isEqualTo(SummaryWindow.of(15, now, 3));
        assertThatThrownBy(() -> SummaryWindow.of(Set.of(), now, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
