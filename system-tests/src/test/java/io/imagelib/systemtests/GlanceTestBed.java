package io.imagelib.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension: bridge + namespaces + PostgreSQL + N Glance hosts for one test class, torn down in reverse
 * order even when a test (or the start itself) fails. Use as {@code @RegisterExtension static GlanceTestBed bed}.
 */
public final class GlanceTestBed implements BeforeAllCallback, AfterAllCallback {

    private final int hostCount;
    private TestBed bed;

    public GlanceTestBed(int hostCount) {
        this.hostCount = hostCount;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            Path root = Files.createDirectories(Path.of("target", "system", context.getRequiredTestClass().getSimpleName()).toAbsolutePath());
            bed = TestBed.start(root, hostCount);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (bed != null) {
            bed.close();
        }
    }

    public GlanceHosts glance() {
        return bed.glance();
    }

    public TestBed bed() {
        return bed;
    }
}
