package io.reckon.jobs.reconcile;

import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Sum, count and max of a set of quantities, kept together so that the contract's aggregation can be
 * chosen when the period is priced, not when records arrive (contracts may arrive after usage).
 *
 * <p>{@code count} is the number of records. A reported summary stands for the events of its window,
 * so under the {@code count} aggregation it counts its quantity, not one: {@code countExcess} holds
 * what the summaries add beyond one each (the sum of their quantities less their number), and the
 * count aggregate is {@code count + countExcess}. It is zero wherever there is no summary.
 *
 * <p>Serialized by {@link AggSerializer} (compact and exact), not as a POJO.
 */
@TypeInfo(AggTypeInfoFactory.class)
public class Agg {
    public BigDecimal sum = BigDecimal.ZERO;
    public long count;
    public BigDecimal max = BigDecimal.ZERO;
    public BigDecimal countExcess = BigDecimal.ZERO;

    public Agg() {}

    public void add(BigDecimal quantity) {
        sum = sum.add(quantity);
        count++;
        if (quantity.compareTo(max) > 0) {
            max = quantity;
        }
    }

    /** Adds a reported summary: one record, that counts its quantity under the count aggregation. */
    public void addSummary(BigDecimal quantity) {
        add(quantity);
        countExcess = countExcess.add(quantity).subtract(BigDecimal.ONE);
    }

    public void merge(Agg other) {
        sum = sum.add(other.sum);
        count += other.count;
        if (other.countExcess.signum() != 0) {
            countExcess = countExcess.add(other.countExcess);
        }
        if (other.max.compareTo(max) > 0) {
            max = other.max;
        }
    }

    public BigDecimal value(Aggregation aggregation) {
        return switch (aggregation) {
            case SUM -> sum;
            case COUNT ->
                countExcess.signum() == 0
                        ? BigDecimal.valueOf(count)
                        : BigDecimal.valueOf(count).add(countExcess);
            case MAX -> max;
        };
    }

    public Agg copy() {
        Agg a = new Agg();
        a.merge(this);
        return a;
    }
}
