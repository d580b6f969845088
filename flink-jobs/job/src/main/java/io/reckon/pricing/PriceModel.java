package io.reckon.pricing;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * The {@code pricing} of one meter: {@link PerUnit}, {@link Graduated}, {@link Volume} or {@link
 * PackagePrice}. Each model checks its own terms when constructed, so an invalid model cannot
 * exist.
 *
 * <pre>{@code
 * PriceModel model = PriceModel.of("package", null, null, new BigDecimal("1000"), new BigDecimal("250"));
 * BigDecimal cents = model.exactAmount(new BigDecimal("2500"));   // 750
 * }</pre>
 */
public sealed interface PriceModel permits PerUnit, Graduated, Volume, PackagePrice {

    /** The contract's name of this model: {@code per_unit}, {@code graduated}, {@code volume} or {@code package}. */
    String model();

    /**
     * The exact, unrounded amount in minor units for {@code billable} units (already net of the
     * included quantity), before the minimum and before any escalation.
     */
    BigDecimal exactAmount(BigDecimal billable);

    /**
     * Builds a model from the decoded {@code pricing} fields. Only the fields the model uses are
     * read: {@code unit_amount_decimal} for per_unit, {@code tiers} for graduated and volume,
     * {@code package_size} and {@code package_amount_decimal} for package.
     *
     * @throws PricingValidationException for an unknown model or invalid terms; fields are named
     *     {@code pricing.*}
     */
    static PriceModel of(
            String model,
            BigDecimal unitAmountDecimal,
            List<Tier> tiers,
            BigDecimal packageSize,
            BigDecimal packageAmountDecimal) {
        Checks.required(model, "pricing.model");
        return switch (model.trim().toLowerCase(Locale.ROOT)) {
            case "per_unit" -> new PerUnit(unitAmountDecimal);
            case "graduated" -> new Graduated(tiers);
            case "volume" -> new Volume(tiers);
            case "package" -> new PackagePrice(packageSize, packageAmountDecimal);
            default ->
                throw new PricingValidationException(
                        "pricing.model",
                        "'" + ShownValue.of(model) + "' is not one of per_unit, graduated, volume, package");
        };
    }
}
