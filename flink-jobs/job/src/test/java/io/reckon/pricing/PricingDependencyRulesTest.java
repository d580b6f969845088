package io.reckon.pricing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The pricing engine stays dependency-free: the JDK and itself, nothing else (no Flink, Avro,
 * Jackson), so that every part of Reckon prices with the same small, exact code.
 *
 * <p>A plain JUnit test rather than an {@code @ArchTest} field: Surefire 3.5.3 silently skips
 * {@code @ArchTest} fields (TNG/ArchUnit#1442), so such a rule would never fail the build.
 */
class PricingDependencyRulesTest {

    private static final JavaClasses PRICING = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.reckon.pricing");

    @Test
    void pricingDependsOnlyOnTheJdkAndItself() {
        assertThat(PRICING).as("imported pricing classes").hasSizeGreaterThan(10);
        ArchRule rule = classes()
                .that()
                .resideInAPackage("io.reckon.pricing..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.reckon.pricing..");
        rule.check(PRICING);
    }
}
