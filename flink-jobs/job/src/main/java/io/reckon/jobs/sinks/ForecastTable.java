package io.reckon.jobs.sinks;

import io.reckon.connectors.jdbc.PostgresSinks;
import io.reckon.connectors.jdbc.Supersession;
import io.reckon.jobs.records.ForecastRecord;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Writes period-end forecasts to {@code period_forecasts} (DDL: connectors' migration V5), the latest per
 * (account, meter, period), when the checkpoint after them completes, as the other sink tables are. A
 * forecast never replaces one of a later {@code as_of}, and the final one (the period's actual figures)
 * is replaced only by another final one, so a replay or a re-evaluation out of order keeps the newest.
 */
public final class ForecastTable {

    static final String UPSERT_FORECAST = "INSERT INTO period_forecasts (account_id, meter, period_start,"
            + " period_end, as_of, currency, quantity_so_far, projected_quantity, quantity_low, quantity_high,"
            + " projected_amount_minor, amount_low_minor, amount_high_minor, final, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
            + " ON CONFLICT (account_id, meter, period_start) DO UPDATE SET period_end = EXCLUDED.period_end,"
            + " as_of = EXCLUDED.as_of, currency = EXCLUDED.currency, quantity_so_far = EXCLUDED.quantity_so_far,"
            + " projected_quantity = EXCLUDED.projected_quantity, quantity_low = EXCLUDED.quantity_low,"
            + " quantity_high = EXCLUDED.quantity_high, projected_amount_minor = EXCLUDED.projected_amount_minor,"
            + " amount_low_minor = EXCLUDED.amount_low_minor, amount_high_minor = EXCLUDED.amount_high_minor,"
            + " final = EXCLUDED.final, updated_at = now()"
            + " WHERE (EXCLUDED.final OR NOT period_forecasts.final) AND period_forecasts.as_of <= EXCLUDED.as_of";

    private ForecastTable() {}

    public static void forecasts(ReadableConfig conf, DataStream<ForecastRecord> forecasts) {
        forecasts
                .sinkTo(PostgresSinks.committedOnCheckpoint(
                        conf,
                        UPSERT_FORECAST,
                        ForecastTable::bind,
                        TypeInformation.of(ForecastRecord.class).createSerializer(new SerializerConfigImpl()),
                        "period_forecasts",
                        f -> "account_id=" + f.accountId + " meter=" + f.meter + " period_start=" + f.periodStart
                                + " as_of=" + f.asOf,
                        // The upsert's guard, which is transitive: never an earlier as_of, never a final
                        // forecast replaced by one that is not.
                        Supersession.when(
                                f -> List.of(f.accountId, f.meter, f.periodStart),
                                (later, earlier) ->
                                        (later.finalRevision || !earlier.finalRevision) && earlier.asOf <= later.asOf)))
                .name("period-forecasts-table")
                .uid("period-forecasts-table-committed");
    }

    static void bind(PreparedStatement s, ForecastRecord f) throws SQLException {
        int i = 1;
        s.setString(i++, f.accountId);
        s.setString(i++, f.meter);
        s.setTimestamp(i++, new Timestamp(f.periodStart));
        s.setTimestamp(i++, new Timestamp(f.periodEnd));
        s.setTimestamp(i++, new Timestamp(f.asOf));
        s.setString(i++, f.currency);
        s.setBigDecimal(i++, f.quantitySoFar);
        s.setBigDecimal(i++, f.projectedQuantity);
        s.setBigDecimal(i++, f.quantityLow);
        s.setBigDecimal(i++, f.quantityHigh);
        s.setLong(i++, f.projectedAmountMinor);
        s.setLong(i++, f.amountLowMinor);
        s.setLong(i++, f.amountHighMinor);
        s.setBoolean(i, f.finalRevision);
    }
}
