package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EpisodesTest {

    @Test
    void runsOfTheSameVerdictWithinTheJudgedHoursInHourOrder() {
        long[] spikes = HourBits.create(744);
        long[] drops = HourBits.create(744);
        for (int h : new int[] {3, 4, 5, 63, 64, 700}) {
            HourBits.set(spikes, h);
        }
        for (int h : new int[] {6, 7, 10}) {
            HourBits.set(drops, h);
        }
        assertThat(Episodes.of(spikes, drops, 700))
                .containsExactly(
                        new Episodes.Run(AnomalyType.USAGE_SPIKE, 3, 6),
                        new Episodes.Run(AnomalyType.USAGE_DROP, 6, 8),
                        new Episodes.Run(AnomalyType.USAGE_DROP, 10, 11),
                        new Episodes.Run(AnomalyType.USAGE_SPIKE, 63, 65));
    }
}
