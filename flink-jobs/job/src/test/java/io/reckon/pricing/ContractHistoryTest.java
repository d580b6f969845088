package io.reckon.pricing;

import static io.reckon.pricing.Fixtures.specMeter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContractHistoryTest {

    private static ContractVersion version(String account, int version, String effectiveFrom, int anchorDay) {
        return ContractVersion.builder()
                .accountId(account)
                .version(version)
                .effectiveFrom(Instant.parse(effectiveFrom))
                .currency("usd")
                .billingAnchorDay(anchorDay)
                .meter(specMeter())
                .build();
    }

    private static ContractVersion version(int version, String effectiveFrom) {
        return version("acct_1", version, effectiveFrom, 1);
    }

    private static Optional<Integer> applied(ContractHistory history, String periodStart) {
        return history.applicableTo(Instant.parse(periodStart)).map(ContractVersion::version);
    }

    @Test
    void periodUsesTheVersionEffectiveAtItsStart() {
        ContractHistory history =
                ContractHistory.of(List.of(version(1, "2026-01-01T00:00:00Z"), version(2, "2026-03-01T00:00:00Z")));
        assertThat(applied(history, "2025-12-01T00:00:00Z")).isEmpty();
        assertThat(applied(history, "2026-01-01T00:00:00Z")).contains(1);
        assertThat(applied(history, "2026-02-01T00:00:00Z")).contains(1);
        assertThat(applied(history, "2026-03-01T00:00:00Z")).contains(2);
    }

    @Test
    void versionEffectiveMidPeriodWaitsForTheNextPeriod() {
        ContractHistory history =
                ContractHistory.of(List.of(version(1, "2026-01-01T00:00:00Z"), version(2, "2026-03-10T00:00:00Z")));
        assertThat(applied(history, "2026-03-01T00:00:00Z")).contains(1);
        assertThat(applied(history, "2026-04-01T00:00:00Z")).contains(2);
    }

    @Test
    void higherVersionWithALaterEffectiveFromAppliesOnlyFromThatDate() {
        ContractHistory history = ContractHistory.of(List.of(
                version(3, "2026-06-01T00:00:00Z"),
                version(1, "2026-01-01T00:00:00Z"),
                version(2, "2026-03-01T00:00:00Z")));
        assertThat(applied(history, "2026-02-01T00:00:00Z")).contains(1);
        assertThat(applied(history, "2026-04-01T00:00:00Z")).contains(2);
        assertThat(applied(history, "2026-05-31T23:59:59.999Z")).contains(2);
        assertThat(applied(history, "2026-06-01T00:00:00Z")).contains(3);
    }

    @Test
    void higherVersionWinsOverALowerOneThatStartsLater() {
        // Version 2 re-states the contract from January; version 1's later date no longer matters.
        ContractHistory history =
                ContractHistory.of(List.of(version(1, "2026-03-01T00:00:00Z"), version(2, "2026-01-01T00:00:00Z")));
        assertThat(applied(history, "2026-02-01T00:00:00Z")).contains(2);
        assertThat(applied(history, "2026-04-01T00:00:00Z")).contains(2);
    }

    @Test
    void lookupByEpochMillisAgreesWithInstantLookupAndSeesAVersionPutAfterIt() {
        ContractHistory history = ContractHistory.of(List.of(version(1, "2026-01-01T00:00:00Z")));
        long march = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
        assertThat(history.applicableTo(march).map(ContractVersion::version)).contains(1);
        assertThat(history.applicableTo(march).map(ContractVersion::version)).contains(1);

        // A version put after the period was looked up applies from then on, although the start
        // asked for is the same.
        history.put(version(2, "2026-02-01T00:00:00Z"));
        assertThat(history.applicableTo(march).map(ContractVersion::version)).contains(2);
        assertThat(history.applicableTo(Instant.ofEpochMilli(march)).map(ContractVersion::version))
                .contains(2);
        long january = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        assertThat(history.applicableTo(january).map(ContractVersion::version)).contains(1);
        assertThat(history.applicableTo(january - 1)).isEmpty();
    }

    @Test
    void sameVersionNumberReplacesTheEarlierRecord() {
        ContractHistory history = new ContractHistory();
        history.put(version("acct_1", 1, "2026-01-01T00:00:00Z", 1));
        history.put(version("acct_1", 1, "2026-01-01T00:00:00Z", 15));
        assertThat(history.versions()).hasSize(1);
        assertThat(history.latestEffectiveAt(Instant.parse("2026-02-20T00:00:00Z")))
                .map(ContractVersion::billingAnchorDay)
                .contains(15);
    }

    @Test
    void versionsAreListedInVersionOrder() {
        ContractHistory history = ContractHistory.of(List.of(
                version(3, "2026-06-01T00:00:00Z"),
                version(1, "2026-01-01T00:00:00Z"),
                version(2, "2026-03-01T00:00:00Z")));
        assertThat(history.versions()).extracting(ContractVersion::version).containsExactly(1, 2, 3);
        assertThat(history.isEmpty()).isFalse();
        assertThat(new ContractHistory().isEmpty()).isTrue();
    }

    @Test
    void versionOfAnotherAccountIsRefused() {
        ContractHistory history = ContractHistory.of(List.of(version(1, "2026-01-01T00:00:00Z")));
        assertThatThrownBy(() -> history.put(version("acct_2", 2, "2026-01-01T00:00:00Z", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("contract of account acct_2 put into the history of account acct_1");
    }
}
