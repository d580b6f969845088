package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.demo.DemoWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One stack, one produced workload and one failure-free reference run shared by every fault test
 * class of a test run (closed when the run ends): starting the stack and running the reference
 * costs as much as a fault scenario, and the suite must stay short.
 */
final class SharedHarness implements ExtensionContext.Store.CloseableResource {

    /** The default workload: 12 accounts over 2 months, about 37,000 usage records. */
    static final DemoWorkload.Options DEFAULT_WORKLOAD = FaultHarness.workload(12, 2);

    final FaultHarness harness;
    final FaultHarness.Outputs reference;
    final FaultHarness.RunReport referenceRun;

    private SharedHarness(DemoWorkload.Options workload) throws Exception {
        Path work = Files.createTempDirectory("reckon-faults-");
        harness = FaultHarness.start(work, workload);
        referenceRun = harness.run(new FaultHarness.RunSpec("reference"));
        assertThat(referenceRun.result().isSuccess()).isTrue();
        assertThat(referenceRun.restarts()).isZero();
        reference = harness.outputs();
        System.out.printf(
                "reference: %d usage records, %d revisions, %d final anomalies; %s%n",
                harness.usageRecords, reference.revisions(), reference.finalAnomalies(), referenceRun.summary());
    }

    /** Sizes the shared workload of a test class; without it the class gets {@link #DEFAULT_WORKLOAD}. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
    @interface Workload {
        int accounts();

        int months();
    }

    /** Hands a {@link SharedHarness} to the constructor or a method of a test class. */
    static final class Resolver implements org.junit.jupiter.api.extension.ParameterResolver {
        @Override
        public boolean supportsParameter(
                org.junit.jupiter.api.extension.ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SharedHarness.class;
        }

        @Override
        public Object resolveParameter(
                org.junit.jupiter.api.extension.ParameterContext parameter, ExtensionContext context) {
            DemoWorkload.Options workload = context.getTestClass()
                    .map(c -> c.getAnnotation(Workload.class))
                    .map(w -> FaultHarness.workload(w.accounts(), w.months()))
                    .orElse(DEFAULT_WORKLOAD);
            return get(context, workload);
        }
    }

    static SharedHarness get(ExtensionContext context, DemoWorkload.Options workload) {
        return context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(
                        SharedHarness.class.getName() + "/" + workload, key -> start(workload), SharedHarness.class);
    }

    private static SharedHarness start(DemoWorkload.Options workload) {
        try {
            return new SharedHarness(workload);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the fault-test stack", e);
        }
    }

    @Override
    public void close() {
        harness.close();
    }
}
