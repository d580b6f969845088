package io.reckon.pricing;

/**
 * Contract terms or a pricing input that break the rules of the reconciliation spec.
 *
 * <p>The message names the field (as the JSON/Avro field path) and the problem, e.g. {@code
 * meters[api_calls].pricing.tiers[1].up_to 500 is not above the previous up_to 1000}, so that a
 * dead-letter reason tells a person exactly what to fix.
 */
public final class PricingValidationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public PricingValidationException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The field path, e.g. {@code meters[api_calls].pricing.tiers[1].up_to}. */
    public String field() {
        return field;
    }

    /** What is wrong with the field, e.g. {@code is negative}. */
    public String problem() {
        return problem;
    }

    /** The same problem, with the field placed under {@code parent} (e.g. {@code meters[api_calls]}). */
    public PricingValidationException within(String parent) {
        PricingValidationException nested = new PricingValidationException(parent + "." + field, problem);
        nested.initCause(this);
        return nested;
    }
}
