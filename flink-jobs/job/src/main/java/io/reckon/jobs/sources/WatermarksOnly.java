package io.reckon.jobs.sources;

import io.reckon.jobs.records.MeterEvent;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * Passes no record, so that only a stream's watermarks and watermark statuses go on (Flink forwards
 * those through a filter). The metering side's watermarks reach {@link EventTimeFence} this way while
 * its records go straight to the keyed reconciliation, so that they cross the network once.
 */
public final class WatermarksOnly implements FilterFunction<MeterEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean filter(MeterEvent value) {
        return false;
    }
}
