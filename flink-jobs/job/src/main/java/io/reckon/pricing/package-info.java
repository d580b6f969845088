/**
 * The Reckon pricing engine: contract terms, billing periods and exact prices (sections 2 and 3 of
 * the reconciliation spec).
 *
 * <p>Depends on the JDK only, so that the streaming job, the command line and the tests price with
 * the very same code. Every quantity and amount is a {@link java.math.BigDecimal}; a price is
 * rounded half up to a whole minor unit once, at the end.
 *
 * <pre>{@code
 * ContractVersion contract = ContractVersion.builder()
 *         .accountId("acct_1").version(2).effectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
 *         .currency("usd")
 *         .meter(MeterTerms.builder("api_calls")
 *                 .includedQuantity(new BigDecimal("1000"))
 *                 .pricing(new Graduated(List.of(
 *                         new Tier(new BigDecimal("10000"), new BigDecimal("0.5"), 0),
 *                         new Tier(null, new BigDecimal("0.25"), 0))))
 *                 .build())
 *         .build();
 * BillingPeriod period = BillingPeriod.containing(eventTime, contract.billingAnchorDay());
 * long cents = Pricer.priceMinor(contract, contract.meter("api_calls").orElseThrow(),
 *         period.start(), new BigDecimal("12000")); // 5250
 * }</pre>
 *
 * <p>An account's time is cut into periods by all its versions at once ({@link PeriodCut}): a version
 * that moves the anchor day leaves earlier periods as they were.
 */
package io.reckon.pricing;
