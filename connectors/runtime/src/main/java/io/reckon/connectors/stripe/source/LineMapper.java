package io.reckon.connectors.stripe.source;

import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns the lines of one Stripe invoice (API version {@link StripeApi#API_VERSION}) into invoice-line
 * inputs, or into unmapped records with the reason. A line maps to the invoice customer's account
 * ({@code stripe_customer_id}) and to the meter whose {@code stripe_price_id} is the line's price, else
 * whose {@code stripe_meter_id} is the meter behind that price (a metered price).
 *
 * <p>Statuses: Stripe's draft, open, paid and void are kept; {@code uncollectible} becomes {@code
 * open} (the customer was billed; collecting is not what Reckon checks) and a deleted draft becomes
 * {@code void} (counts as absent).
 */
public final class LineMapper {

    /** Dead-letter source of unmapped invoice lines. */
    public static final String SOURCE = "stripe.invoice_line";

    /** The meter behind a price ({@code recurring.meter}), looked up at Stripe. */
    @FunctionalInterface
    public interface PriceMeters {
        Optional<String> meterOf(String priceId) throws IOException;
    }

    private final ContractIndex contracts;
    private final PriceMeters priceMeters;

    public LineMapper(ContractIndex contracts, PriceMeters priceMeters) {
        this.contracts = contracts;
        this.priceMeters = priceMeters;
    }

    /**
     * @param invoice the invoice as of the event (or the list call)
     * @param lines all of its lines
     * @param updatedAt when Stripe changed the invoice, epoch milliseconds
     * @param deleted true for {@code invoice.deleted}: the lines become void
     */
    public List<StripeRecord> map(Invoice invoice, List<InvoiceLineItem> lines, long updatedAt, boolean deleted)
            throws IOException {
        List<StripeRecord> out = new ArrayList<>(lines.size());
        String status = deleted ? "void" : statusOf(invoice.getStatus());
        for (InvoiceLineItem line : lines) {
            try {
                out.add(mapLine(invoice, line, status, updatedAt));
            } catch (ContractIndex.UnmappableException e) {
                out.add(StripeRecord.unmapped(
                        SOURCE,
                        line.toJson(),
                        "invoice " + invoice.getId() + " line " + line.getId() + ": " + e.getMessage(),
                        updatedAt));
            }
        }
        return out;
    }

    private StripeRecord mapLine(Invoice invoice, InvoiceLineItem line, String status, long updatedAt)
            throws ContractIndex.UnmappableException, IOException {
        if (status == null) {
            throw new ContractIndex.UnmappableException("invoice status '" + invoice.getStatus() + "' is not known");
        }
        String account = contracts.accountOf(invoice.getCustomer());
        String price = priceOf(line);
        if (price == null) {
            throw new ContractIndex.UnmappableException(
                    "the line has no price (a one-off invoice item), so it maps to no meter");
        }
        Optional<String> meter = contracts.meterOfPrice(account, price);
        String stripeMeter = null;
        if (meter.isEmpty()) {
            stripeMeter = priceMeters.meterOf(price).orElse(null);
            meter = stripeMeter == null ? Optional.empty() : contracts.meterOfStripeMeter(account, stripeMeter);
        }
        if (meter.isEmpty()) {
            throw new ContractIndex.UnmappableException("price " + price
                    + (stripeMeter == null ? "" : " (Stripe meter " + stripeMeter + ")")
                    + " is the stripe_price_id or stripe_meter_id of no meter of account " + account);
        }
        if (line.getPeriod() == null
                || line.getPeriod().getStart() == null
                || line.getPeriod().getEnd() == null) {
            throw new ContractIndex.UnmappableException("the line has no period");
        }
        BigDecimal quantity = line.getQuantityDecimal() != null
                ? line.getQuantityDecimal()
                : line.getQuantity() != null ? BigDecimal.valueOf(line.getQuantity()) : null;
        if (quantity == null || line.getAmount() == null || line.getCurrency() == null) {
            throw new ContractIndex.UnmappableException("the line has no quantity, amount or currency");
        }
        return StripeRecord.invoiceLine(
                invoice.getId(),
                line.getId(),
                account,
                meter.get(),
                line.getPeriod().getStart() * 1000L,
                line.getPeriod().getEnd() * 1000L,
                quantity,
                line.getAmount(),
                line.getCurrency().toLowerCase(Locale.ROOT),
                status,
                updatedAt);
    }

    /** The price of a line ({@code pricing.price_details.price}), or null for a line without one. */
    static String priceOf(InvoiceLineItem line) {
        if (line.getPricing() == null || line.getPricing().getPriceDetails() == null) {
            return null;
        }
        return line.getPricing().getPriceDetails().getPrice();
    }

    /** Reckon's status of a Stripe invoice status, or null for one it does not know. */
    static String statusOf(String stripeStatus) {
        if (stripeStatus == null) {
            return null;
        }
        return switch (stripeStatus) {
            case "draft", "open", "paid", "void" -> stripeStatus;
            case "uncollectible" -> "open";
            default -> null;
        };
    }
}
