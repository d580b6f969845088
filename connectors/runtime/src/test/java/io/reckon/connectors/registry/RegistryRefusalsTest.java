package io.reckon.connectors.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegistryRefusalsTest {

    @Test
    void fourHundredsRefuseTheIdExceptCredentialsTimeoutsAndRateLimits() {
        assertThat(RegistryRefusals.refusesTheId(404)).isTrue();
        assertThat(RegistryRefusals.refusesTheId(403)).isTrue();
        assertThat(RegistryRefusals.refusesTheId(422)).isTrue();
        assertThat(RegistryRefusals.refusesTheId(401)).isFalse();
        assertThat(RegistryRefusals.refusesTheId(408)).isFalse();
        assertThat(RegistryRefusals.refusesTheId(429)).isFalse();
        assertThat(RegistryRefusals.refusesTheId(500)).isFalse();
        assertThat(RegistryRefusals.refusesTheId(503)).isFalse();
    }

    @Test
    void aRefusalIsRememberedUntilItExpires() {
        RegistryRefusals refusals = new RegistryRefusals();
        refusals.remember(7, "refused", 1_000L);

        assertThat(refusals.reason(7, 1_000L + RegistryRefusals.TTL.toNanos() - 1))
                .isEqualTo("refused");
        assertThat(refusals.reason(8, 1_000L)).isNull();
        assertThat(refusals.reason(7, 1_000L + RegistryRefusals.TTL.toNanos())).isNull();
        assertThat(refusals.reason(7, 1_000L)).as("forgotten once expired").isNull();
    }

    @Test
    void atMostMaxIdsAreHeld() {
        RegistryRefusals refusals = new RegistryRefusals();
        for (int id = 0; id < RegistryRefusals.MAX_IDS * 3; id++) {
            refusals.remember(id, "refused " + id, 0L);
        }
        int held = 0;
        for (int id = 0; id < RegistryRefusals.MAX_IDS * 3; id++) {
            if (refusals.reason(id, 1L) != null) {
                held++;
            }
        }
        assertThat(held).isPositive().isLessThanOrEqualTo(RegistryRefusals.MAX_IDS);
    }
}
