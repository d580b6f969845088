package io.reckon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which threads count as the JIT's and the garbage collector's, and how their CPU time is read. */
class ProcessProbeTest {

    @TempDir
    Path dir;

    @Test
    void threadsAreToldApartByTheNamesTheKernelKeeps() {
        assertThat(ProcessProbe.isGcThread("GC Thread#0")).isTrue();
        assertThat(ProcessProbe.isGcThread("G1 Conc#0")).isTrue();
        assertThat(ProcessProbe.isGcThread("G1 Refine#0")).isTrue();
        assertThat(ProcessProbe.isGcThread("G1 Main Marker")).isTrue();
        assertThat(ProcessProbe.isGcThread("C2 CompilerThre")).isFalse();
        assertThat(ProcessProbe.isGcThread("reconcile -> (b")).isFalse();
        assertThat(ProcessProbe.isCompilerThread("C1 CompilerThre")).isTrue();
        assertThat(ProcessProbe.isCompilerThread("GC Thread#1")).isFalse();
    }

    @Test
    void aThreadsTicksAreItsUserAndSystemTime() throws Exception {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        Path gc = dir.resolve("gc");
        Files.writeString(gc, "4242 (GC Thread#0) S 1 1 1 0 -1 4194368 10 0 0 0 250 17 0 0 20 0 1 0 99\n");
        Path other = dir.resolve("other");
        Files.writeString(other, "4243 (main) R 1 1 1 0 -1 4194368 10 0 0 0 900 40 0 0 20 0 1 0 99\n");

        assertThat(ProcessProbe.threadTicks(gc, ProcessProbe::isGcThread)).isEqualTo(267);
        assertThat(ProcessProbe.threadTicks(other, ProcessProbe::isGcThread)).isZero();
        assertThat(ProcessProbe.threadTicks(dir.resolve("ended"), ProcessProbe::isGcThread))
                .isZero();
    }
}
