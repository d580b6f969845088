package io.reckon.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * {@code package}: ceil(billable / package_size) x package_amount_decimal. A started package is
 * paid in full: with packages of 1000 at 250, 2500 units cost 3 x 250 = 750 minor units.
 *
 * @param packageSize units per package, above 0
 * @param packageAmountDecimal price of one package in minor units, up to 12 fractional digits
 */
public record PackagePrice(BigDecimal packageSize, BigDecimal packageAmountDecimal) implements PriceModel {

    public PackagePrice {
        Checks.atMostDigits(
                Checks.positive(packageSize, "pricing.package_size"), Checks.QUANTITY_DIGITS, "pricing.package_size");
        Checks.price(packageAmountDecimal, "pricing.package_amount_decimal");
    }

    @Override
    public String model() {
        return "package";
    }

    /** The number of packages {@code billable} units need: the exact quotient rounded up. */
    public BigDecimal packages(BigDecimal billable) {
        // divide(divisor, scale, mode) rounds the exact quotient, so no precision is ever lost.
        return billable.divide(packageSize, 0, RoundingMode.CEILING);
    }

    @Override
    public BigDecimal exactAmount(BigDecimal billable) {
        return packages(billable).multiply(packageAmountDecimal);
    }
}
