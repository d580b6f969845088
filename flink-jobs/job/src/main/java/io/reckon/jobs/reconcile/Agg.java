package io.reckon.jobs.reconcile;

import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Sum, count and max of a set of quantities, kept together so that the contract's aggregation can be
 * chosen when the period is priced, not when records arrive (contracts may arrive after usage).
 *
 * <p>Serialized by {@link AggSerializer} (compact and exact), not as a POJO.
 */
@TypeInfo(AggTypeInfoFactory.class)
public class Agg {
    public BigDecimal sum = BigDecimal.ZERO;
    public long count;
    public BigDecimal max = BigDecimal.ZERO;

    public Agg() {}

    public void add(BigDecimal quantity) {
        sum = sum.add(quantity);
        count++;
        if (quantity.compareTo(max) > 0) {
            max = quantity;
        }
    }

    public void merge(Agg other) {
        sum = sum.add(other.sum);
        count += other.count;
        if (other.max.compareTo(max) > 0) {
            max = other.max;
        }
    }

    public BigDecimal value(Aggregation aggregation) {
        return switch (aggregation) {
            case SUM -> sum;
            case COUNT -> BigDecimal.valueOf(count);
            case MAX -> max;
        };
    }

    public Agg copy() {
        Agg a = new Agg();
        a.merge(this);
        return a;
    }
}
