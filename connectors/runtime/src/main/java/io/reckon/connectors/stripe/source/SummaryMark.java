package io.reckon.connectors.stripe.source;

import java.math.BigDecimal;

/**
 * The value last emitted for one hourly summary, kept in the summaries split so that a restart emits
 * only summaries that changed since the checkpoint.
 *
 * @param hourStart the summary's hour, epoch milliseconds
 * @param quantity the aggregated value emitted
 */
public record SummaryMark(long hourStart, BigDecimal quantity) {}
