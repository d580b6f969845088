package io.reckon.connectors.stripe.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SummaryRoundTest {

    private static final Instant NOW = Instant.parse("2026-03-02T01:30:00Z");
    private static final long MARCH = Instant.parse("2026-03-01T00:00:00Z").getEpochSecond();
    private static final long FEB_15 = Instant.parse("2026-02-15T00:00:00Z").getEpochSecond();

    private static ContractIndex.SummaryTarget target(String customer, int anchor) {
        return new ContractIndex.SummaryTarget(customer, "mtr_api", "acct_" + customer, "api_calls", Set.of(anchor));
    }

    @Test
    void everyTargetIsReadThenTheChangedSummariesAreHandedOnInHourOrderAcrossTargets() {
        // cus_a (anchor 1): March is open, its window starts March 1. cus_b (anchor 15): from February 15.
        SummaryRound round = new SummaryRound(List.of(target("cus_a", 1), target("cus_b", 15)), NOW, 1);
        List<SummaryRound.Request> requests = new ArrayList<>();
        for (SummaryRound.Request r = round.request(); r != null; r = round.request()) {
            assertThat(round.take(10)).as("nothing before every target is read").isEmpty();
            requests.add(r);
            // Stripe lists newest first, in pages: the round must not rely on either.
            List<SummaryRound.Read> page = new ArrayList<>();
            for (long h = r.end() - 3600; h >= r.start(); h -= 3600) {
                page.add(new SummaryRound.Read(r.target(), h, BigDecimal.valueOf(r.target() + 1)));
                if (page.size() == 7) {
                    round.add(r.target(), page);
                    page = new ArrayList<>();
                }
            }
            round.add(r.target(), page);
            round.done(r.target());
        }
        long end = MARCH + 26 * 3600;
        assertThat(requests)
                .extracting(SummaryRound.Request::start, SummaryRound.Request::end)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(MARCH, end),
                        org.assertj.core.groups.Tuple.tuple(FEB_15, end));
        List<SummaryRound.Read> handed = new ArrayList<>();
        while (!round.finished()) {
            handed.addAll(round.take(3));
        }
        assertThat(handed).hasSize((int) ((end - FEB_15) / 3600) + 26);
        for (int i = 1; i < handed.size(); i++) {
            SummaryRound.Read a = handed.get(i - 1);
            SummaryRound.Read b = handed.get(i);
            assertThat(a.hourStart() < b.hourStart() || (a.hourStart() == b.hourStart() && a.target() < b.target()))
                    .as("%s before %s", a, b)
                    .isTrue();
        }
        assertThat(handed.get(0).hourStart()).isEqualTo(FEB_15);
        assertThat(handed.get(handed.size() - 1).hourStart()).isEqualTo(end - 3600);
    }

    @Test
    void aRoundWithoutTargetsOrChangesFinishesAtTheFirstTake() {
        SummaryRound empty = new SummaryRound(List.of(), NOW, 2);
        assertThat(empty.request()).isNull();
        assertThat(empty.take(10)).isEmpty();
        assertThat(empty.finished()).isTrue();

        SummaryRound unchanged = new SummaryRound(List.of(target("cus_a", 1)), NOW, 2);
        unchanged.done(unchanged.request().target());
        assertThat(unchanged.take(10)).isEmpty();
        assertThat(unchanged.finished()).isTrue();
    }
}
