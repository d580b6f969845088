package io.reckon.pricing;

import java.math.BigDecimal;

/**
 * {@code per_unit}: billable x unit amount.
 *
 * @param unitAmountDecimal price per unit in minor units, up to 12 fractional digits
 */
public record PerUnit(BigDecimal unitAmountDecimal) implements PriceModel {

    public PerUnit {
        Checks.price(unitAmountDecimal, "pricing.unit_amount_decimal");
    }

    @Override
    public String model() {
        return "per_unit";
    }

    @Override
    public BigDecimal exactAmount(BigDecimal billable) {
        return billable.multiply(unitAmountDecimal);
    }
}
