package io.reckon.connectors.stripe.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DraftLinesTest {

    private static final long MARCH = 1_772_323_200_000L;
    private static final long APRIL = 1_775_001_600_000L;

    private static StripeRecord line(String id, String meter, long amount, String status, long updatedAt) {
        return StripeRecord.invoiceLine(
                "in_1", id, "acct_1", meter, MARCH, APRIL, BigDecimal.TEN, amount, "usd", status, updatedAt);
    }

    private static StripeRecord unmapped(String lineId) {
        return StripeRecord.unmapped(LineMapper.SOURCE, "{\"id\":\"" + lineId + "\"}", "no meter", 0);
    }

    @Test
    void aLineDeletedFromADraftIsVoidAtTheInvoicesNextEventAndAFinalizedInvoiceIsForgotten() {
        DraftLines drafts = new DraftLines(Map.of());
        List<StripeRecord> created =
                List.of(line("il_a", "api_calls", 100, "draft", 1_000), line("il_b", "seats", 50, "draft", 1_000));
        assertThat(drafts.follow("in_1", created, Set.of("il_a", "il_b"), false, true, 1_000)
                        .voided())
                .isEmpty();

        List<StripeRecord> updated = List.of(line("il_a", "api_calls", 120, "draft", 2_000));
        DraftLines.Followed followed = drafts.follow("in_1", updated, Set.of("il_a"), false, true, 2_000);

        assertThat(followed.voided()).containsExactly(line("il_b", "seats", 50, "void", 2_000));
        assertThat(followed.held()).containsExactly(line("il_a", "api_calls", 120, "draft", 2_000));
        assertThat(drafts.byInvoice()).isEqualTo(Map.of("in_1", followed.held()));

        List<StripeRecord> finalized = List.of(line("il_a", "api_calls", 120, "open", 3_000));
        followed = drafts.follow("in_1", finalized, Set.of("il_a"), false, false, 3_000);
        assertThat(followed.voided()).isEmpty();
        assertThat(followed.held()).isEmpty();
        assertThat(drafts.byInvoice()).isEmpty();
    }

    @Test
    void aLineStillOnTheInvoiceThatMapsToNothingNowIsNotVoidedUntilItLeaves() {
        DraftLines drafts = new DraftLines(Map.of());
        drafts.follow(
                "in_1", List.of(line("il_a", "api_calls", 100, "draft", 1_000)), Set.of("il_a"), false, true, 1_000);

        DraftLines.Followed followed =
                drafts.follow("in_1", List.of(unmapped("il_a")), Set.of("il_a"), false, true, 2_000);
        assertThat(followed.voided()).isEmpty();
        assertThat(followed.held()).containsExactly(line("il_a", "api_calls", 100, "draft", 1_000));

        followed = drafts.follow("in_1", List.of(), Set.of(), false, true, 3_000);
        assertThat(followed.voided()).containsExactly(line("il_a", "api_calls", 100, "void", 3_000));
        assertThat(drafts.byInvoice()).isEmpty();
    }

    @Test
    void linesNotKnownWholeVoidNothingAndADeletedInvoiceVoidsEveryHeldLine() {
        DraftLines drafts = new DraftLines(Map.of());
        List<StripeRecord> created =
                List.of(line("il_a", "api_calls", 100, "draft", 1_000), line("il_b", "seats", 50, "draft", 1_000));
        drafts.follow("in_1", created, Set.of("il_a", "il_b"), false, true, 1_000);

        // Only il_a is known of the invoice's lines now: il_b may still be on it.
        DraftLines.Followed followed = drafts.follow(
                "in_1", List.of(line("il_a", "api_calls", 100, "draft", 2_000)), null, false, true, 2_000);
        assertThat(followed.voided()).isEmpty();
        assertThat(followed.held()).extracting(r -> r.lineId).containsExactly("il_a", "il_b");

        // Deleted: the event carries il_a (as void, from the mapper); il_b is voided here.
        followed =
                drafts.follow("in_1", List.of(line("il_a", "api_calls", 100, "void", 3_000)), null, true, true, 3_000);
        assertThat(followed.voided()).containsExactly(line("il_b", "seats", 50, "void", 3_000));
        assertThat(drafts.byInvoice()).isEmpty();
    }

    @Test
    void anInvoiceThatIsNoDraftIsNotHeld() {
        DraftLines drafts = new DraftLines(Map.of());
        DraftLines.Followed followed = drafts.follow(
                "in_1", List.of(line("il_a", "api_calls", 100, "open", 1_000)), Set.of("il_a"), false, false, 1_000);
        assertThat(followed.voided()).isEmpty();
        assertThat(followed.held()).isEmpty();
        assertThat(drafts.byInvoice()).isEmpty();
    }
}
