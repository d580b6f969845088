package io.reckon.connectors.stripe.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryRoundTest {

    private static final Instant NOW = Instant.parse("2026-03-02T01:30:00Z");
    private static final long MARCH = Instant.parse("2026-03-01T00:00:00Z").getEpochSecond();
    private static final long FEB_15 = Instant.parse("2026-02-15T00:00:00Z").getEpochSecond();

    private static ContractIndex.SummaryTarget target(String customer, int anchor) {
        return new ContractIndex.SummaryTarget(customer, "mtr_api", "acct_" + customer, "api_calls", anchor);
    }

    @Test
    void everyTargetsSliceIsReadThenTheSliceIsHandedOnInHourOrderAcrossTargets() {
        // cus_a (anchor 1): March is open, its window starts March 1. cus_b (anchor 15): from February 15.
        List<ContractIndex.SummaryTarget> targets = List.of(target("cus_a", 1), target("cus_b", 15));
        SummaryRound round = new SummaryRound(targets, NOW, 1, 10);
        List<SummaryRound.Request> requests = new ArrayList<>();
        List<SummaryRound.Read> handed = new ArrayList<>();
        while (!round.finished()) {
            SummaryRound.Request r = round.request();
            if (r == null) {
                handed.addAll(round.take(3));
                continue;
            }
            requests.add(r);
            // Stripe lists newest first: the round must not rely on the order of a page.
            List<SummaryRound.Hourly> page = new ArrayList<>();
            for (long h = r.end() - 3600; h >= r.start(); h -= 3600) {
                page.add(new SummaryRound.Hourly(h, BigDecimal.valueOf(r.target() + 1)));
            }
            round.add(r.target(), page);
            round.done(r.target());
        }
        // cus_b alone until March 1, both from then on to the end of the current hour (March 2, 02:00).
        assertThat(requests.get(0).target()).isEqualTo(1);
        assertThat(requests.get(0).start()).isEqualTo(FEB_15);
        assertThat(requests).allSatisfy(r -> assertThat(r.end() - r.start()).isLessThanOrEqualTo(10 * 3600));
        assertThat(requests).filteredOn(r -> r.target() == 0).allSatisfy(r -> assertThat(r.start())
                .isGreaterThanOrEqualTo(MARCH));
        long end = MARCH + 26 * 3600;
        assertThat(handed).hasSize((int) ((end - FEB_15) / 3600) + 26);
        assertThat(handed.get(handed.size() - 1).hourStart()).isEqualTo(end - 3600);
        for (int i = 1; i < handed.size(); i++) {
            SummaryRound.Read a = handed.get(i - 1);
            SummaryRound.Read b = handed.get(i);
            assertThat(a.hourStart() < b.hourStart() || (a.hourStart() == b.hourStart() && a.target() < b.target()))
                    .as("%s before %s", a, b)
                    .isTrue();
        }
    }

    @Test
    void aDroppedTargetIsLeftOutOfTheRestOfTheRound() {
        SummaryRound round = new SummaryRound(List.of(target("cus_a", 1), target("cus_b", 1)), NOW, 1, 10);
        int requestsOfA = 0;
        while (!round.finished()) {
            SummaryRound.Request r = round.request();
            if (r == null) {
                round.take(100);
            } else if (r.target() == 0) {
                requestsOfA++;
                round.drop(0);
            } else {
                round.add(1, List.of(new SummaryRound.Hourly(r.start(), BigDecimal.ONE)));
                round.done(1);
            }
        }
        assertThat(requestsOfA).isEqualTo(1);
    }

    @Test
    void aRoundWithoutTargetsIsFinishedAtOnce() {
        SummaryRound round = new SummaryRound(List.of(), NOW, 2, 100);
        assertThat(round.finished()).isTrue();
        assertThat(round.request()).isNull();
        assertThat(round.take(10)).isEmpty();
    }
}
