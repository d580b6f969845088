package io.reckon.pricing;

import static io.reckon.pricing.Fixtures.d;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregationTest {

    private static final List<BigDecimal> RECORDS = List.of(d("12"), d("0.5"), d("7.25"), d("0"));

    @Test
    void parsesContractNamesCaseInsensitivelyWithSumAsDefault() {
        assertThat(Aggregation.parse(null)).isEqualTo(Aggregation.SUM);
        assertThat(Aggregation.parse("sum")).isEqualTo(Aggregation.SUM);
        assertThat(Aggregation.parse("COUNT")).isEqualTo(Aggregation.COUNT);
        assertThat(Aggregation.parse("Max")).isEqualTo(Aggregation.MAX);
        assertThat(Aggregation.MAX.wireName()).isEqualTo("max");
        assertThatThrownBy(() -> Aggregation.parse("avg"))
                .isInstanceOf(PricingValidationException.class)
                .hasMessage("aggregation 'avg' is not one of sum, count, max");
    }

    @Test
    void sumAddsTheQuantities() {
        assertThat(Aggregation.SUM.aggregate(RECORDS)).isEqualByComparingTo("19.75");
    }

    @Test
    void countCountsRecordsWhateverTheirQuantity() {
        assertThat(Aggregation.COUNT.aggregate(RECORDS)).isEqualByComparingTo("4");
    }

    @Test
    void maxTakesTheLargestQuantity() {
        assertThat(Aggregation.MAX.aggregate(RECORDS)).isEqualByComparingTo("12");
    }

    @Test
    void noRecordsAggregateToZero() {
        for (Aggregation aggregation : Aggregation.values()) {
            assertThat(aggregation.aggregate(List.of())).isEqualByComparingTo("0");
        }
    }

    @Test
    void foldingOneRecordAtATimeGivesTheSameAggregate() {
        for (Aggregation aggregation : Aggregation.values()) {
            BigDecimal folded = BigDecimal.ZERO;
            for (BigDecimal q : RECORDS) {
                folded = aggregation.fold(folded, q);
            }
            assertThat(folded).isEqualByComparingTo(aggregation.aggregate(RECORDS));
        }
    }

    @Test
    void missingQuantityIsNamed() {
        assertThatThrownBy(() -> Aggregation.SUM.aggregate(Arrays.asList(d("1"), null)))
                .isInstanceOf(PricingValidationException.class)
                .hasMessage("quantities[1] is missing");
    }
}
