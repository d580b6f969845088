package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.ForecastRecord;
import io.reckon.jobs.records.HourlyRollup;
import io.reckon.jobs.records.UnmappedUsage;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Where the reconcile function's outputs go during one call: anomaly revisions to the main output,
 * hourly rollups, unmapped usage and rejected records to their side outputs. One instance per
 * function, pointed at the context of the call in progress, so that the small classes deep inside an
 * evaluation can emit without carrying Flink's context around.
 */
final class ReconOutputs {

    static final OutputTag<HourlyRollup> ROLLUPS =
            new OutputTag<>("hourly-rollups", TypeInformation.of(HourlyRollup.class)) {};
    static final OutputTag<UnmappedUsage> UNMAPPED =
            new OutputTag<>("unmapped-usage", TypeInformation.of(UnmappedUsage.class)) {};
    /** Records rejected by the reconciliation: later than the retention, or in the wrong currency. */
    static final OutputTag<DeadLetterRecord> REJECTED =
            new OutputTag<>("rejected", TypeInformation.of(DeadLetterRecord.class)) {};

    /** Period-end forecasts of open periods, one per period and tick (see {@code PeriodForecast}). */
    static final OutputTag<ForecastRecord> FORECASTS =
            new OutputTag<>("period-forecasts", TypeInformation.of(ForecastRecord.class)) {};

    private KeyedBroadcastProcessFunction<String, ?, ?, AnomalyRecord>.ReadOnlyContext context;
    private Collector<AnomalyRecord> out;

    void bind(
            KeyedBroadcastProcessFunction<String, ?, ?, AnomalyRecord>.ReadOnlyContext context,
            Collector<AnomalyRecord> out) {
        this.context = context;
        this.out = out;
    }

    void anomaly(AnomalyRecord r) {
        out.collect(r);
    }

    void rollup(HourlyRollup r) {
        context.output(ROLLUPS, r);
    }

    void unmapped(UnmappedUsage u) {
        context.output(UNMAPPED, u);
    }

    void forecast(ForecastRecord f) {
        context.output(FORECASTS, f);
    }

    void rejected(DeadLetterRecord d) {
        context.output(REJECTED, d);
    }
}
