package io.reckon.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Layout rules. Plain JUnit tests on purpose: this Surefire version does not run ArchUnit's
 * {@code @ArchTest} fields, which would let a broken rule pass unseen.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.reckon");

    @Test
    void jobsAndTheActionJobNeverUseTheEmbeddedDevStackOrTheCommandLine() {
        noClasses()
                .that()
                .resideInAnyPackage("io.reckon.jobs..", "io.reckon.actions..", "io.reckon.ingest..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.reckon.connectors.embedded..", "io.reckon.cli..", "io.reckon.replay..", "io.reckon.demo..")
                .check(CLASSES);
    }

    @Test
    void theReconciliationChecksArePureLogic() {
        noClasses()
                .that()
                .resideInAPackage("io.reckon.jobs.reconcile.checks..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.flink..",
                        "org.apache.avro..",
                        "io.reckon.avro..",
                        "io.reckon.jobs.records..",
                        "io.reckon.connectors..")
                .orShould()
                .dependOnClassesThat()
                .resideInAPackage("io.reckon.jobs.reconcile")
                .check(CLASSES);
    }

    @Test
    void thePricingEngineKnowsNothingOfStreamsOrWireFormats() {
        noClasses()
                .that()
                .resideInAPackage("io.reckon.pricing..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.flink..", "org.apache.avro..", "io.reckon.jobs..", "io.reckon.avro..")
                .check(CLASSES);
    }
}
