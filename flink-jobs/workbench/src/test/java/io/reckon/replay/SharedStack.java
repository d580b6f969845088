package io.reckon.replay;

import io.reckon.connectors.embedded.EmbeddedStack;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded stack (Kafka, schema registry, PostgreSQL) for all the tests of a class: started before
 * the first, closed after the last, its data in a temporary directory of its own that goes with it.
 * Registered as {@code @RegisterExtension static final SharedStack STACK = new SharedStack();}.
 */
final class SharedStack implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private EmbeddedStack stack;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("reckon-test-stack-");
        stack = EmbeddedStack.start(dir.resolve("stack"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (stack != null) {
            stack.close();
        }
        if (dir != null) {
            FileUtils.deleteQuietly(dir.toFile());
        }
    }

    EmbeddedStack get() {
        return stack;
    }
}
