package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.ReconOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void theDemoTurnsUpsellOpportunitiesOnForItsRunButTheJobsDefaultStaysOff() {
        Configuration conf = new Configuration();
        assertThat(conf.get(ReconOptions.UPSELL_ENABLED)).isFalse();

        assertThat(DemoCommand.withUpsell(conf)).isTrue();
        assertThat(conf.get(ReconOptions.UPSELL_ENABLED)).isTrue();
        assertThat(new Configuration().get(ReconOptions.UPSELL_ENABLED)).isFalse();
    }

    @Test
    void aConfigurationThatSetsTheOptionIsObeyed() {
        Configuration off = new Configuration();
        off.set(ReconOptions.UPSELL_ENABLED, false);
        assertThat(DemoCommand.withUpsell(off)).isFalse();
        assertThat(off.get(ReconOptions.UPSELL_ENABLED)).isFalse();
    }
}
