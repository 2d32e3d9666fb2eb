package io.imagelib.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The services of the system, each an executable Spring Boot jar built by its own module: the one list of them, for
 * {@code ilctl up} and the system tests.
 */
public enum ServiceModule {
    ROLE("role-service", 8090),
    ENDPOINT("endpoint-service", 8091),
    MONITOR("host-monitor-service", 8092),
    ROUTER("image-router-service", 9292),
    /** Keeps the Keystone catalog's admin endpoint on the admin host: only where the stack runs a Keystone. */
    CATALOG_SYNC("catalog-sync", 8093);

    private final String module;
    private final int defaultPort;

    ServiceModule(String module, int defaultPort) {
        this.module = module;
        this.defaultPort = defaultPort;
    }

    /** The services a stack runs: catalog-sync only with a Keystone, whose catalog it keeps. */
    public static List<ServiceModule> of(boolean withKeystone) {
        return Arrays.stream(values()).filter(s -> s != CATALOG_SYNC || withKeystone).toList();
    }

    /** The module's executable jar ({@code module/target/module-VERSION.jar}, not *-plain.jar), if built. */
    public static Optional<Path> executableJar(Path projectRoot, String module) {
        Path target = projectRoot.resolve(module).resolve("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(module + "-") && name.endsWith(".jar")
                        && !name.endsWith("-plain.jar") && !name.endsWith("-sources.jar") && !name.endsWith("-tests.jar");
            }).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + target, e);
        }
    }

    public String module() {
        return module;
    }

    /**
     * The name of instance {@code instance} (1, 2, ...) in a stack's pid files, logs and state: the module's name for
     * the first, so a stack of one instance each is named as before replicas existed; {@code module-n} for the others.
     */
    public String instanceName(int instance) {
        if (instance < 1) {
            throw new IllegalArgumentException("Instances count from 1, not " + instance);
        }
        return instance == 1 ? module : module + "-" + instance;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** Readiness includes the state readers' catch-up, so "ready" means the service sees the topics' current state. */
    public String readinessPath() {
        return "/actuator/health/readiness";
    }
}
