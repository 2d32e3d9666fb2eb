package io.imagelib.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension: bridge + namespaces + PostgreSQL + N Glance hosts for one test class, torn down in reverse
 * order even when a test (or the start itself) fails. Use as {@code @RegisterExtension static GlanceTestBed bed}.
 */
public final class GlanceTestBed implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    private final int hostCount;
    private final Supplier<Optional<String>> skipReason;
    private TestBed bed;

    public GlanceTestBed(int hostCount) {
        this(hostCount, Optional::empty);
    }

    private GlanceTestBed(int hostCount, Supplier<Optional<String>> skipReason) {
        this.hostCount = hostCount;
        this.skipReason = skipReason;
    }

    /**
     * Skips the class, reporting the reason, when {@code skipReason} gives one: checked before anything starts,
     * so a skipped class costs nothing.
     */
    public GlanceTestBed skippedWhen(Supplier<Optional<String>> skipReason) {
        return new GlanceTestBed(hostCount, skipReason);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return skipReason.get().map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("prerequisites present"));
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
