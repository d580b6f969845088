package io.reckon.jobs.testing;

import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;

/** Invoice line records as the job receives them, for tests: stamped with their period's end. */
public final class LineRecords {

    private LineRecords() {}

    /**
     * Line {@code id} of invoice {@code "in_" + id}, billing {@code amountMinor} of {@code currency}
     * for [start, end) (epoch millis), with {@code status} and no {@code updated_at}.
     */
    public static MeterEvent line(
            String id,
            String account,
            String meter,
            long start,
            long end,
            long amountMinor,
            String currency,
            String status) {
        MeterEvent e = new MeterEvent();
        e.kind = MeterEvent.Kind.INVOICE_LINE;
        e.id = id;
        e.invoiceId = "in_" + id;
        e.accountId = account;
        e.meter = meter;
        e.periodStart = start;
        e.periodEnd = end;
        e.eventTime = end;
        e.quantity = BigDecimal.ZERO;
        e.amountMinor = amountMinor;
        e.currency = currency;
        e.status = status;
        return e;
    }
}
