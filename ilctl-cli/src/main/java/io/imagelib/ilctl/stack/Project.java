package io.imagelib.ilctl.stack;

import io.imagelib.ilctl.IlctlException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The source checkout ilctl runs from: which modules it has, which of their jars are built, and the Maven reactor
 * that builds the missing ones.
 *
 * @param root directory holding mvnw and the root pom
 */
public record Project(Path root) {

    /** Set by the ./ilctl launcher (and the build, for tests); else found above the working directory. */
    public static final String ROOT_PROPERTY = "imagelib.project.root";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

    public static Project locate() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null) {
            return new Project(Path.of(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("ilctl-cli/pom.xml"))) {
                return new Project(dir);
            }
        }
        throw IlctlException.stack("No project checkout (mvnw and ilctl-cli/pom.xml) at or above " + Path.of("").toAbsolutePath()
                + "; run ilctl from the repository or through its ./ilctl launcher");
    }

    public boolean hasModule(String module) {
        return Files.isRegularFile(root.resolve(module).resolve("pom.xml"));
    }

    /** The module's executable jar ({@code module/target/module-VERSION.jar}), if built. */
    public Optional<Path> jar(String module) {
        Path target = root.resolve(module).resolve("target");
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

    /** The broker jars the deploy module copies for the local Kafka. */
    public Path kafkaLib() {
        return root.resolve("deploy/target/kafka/lib");
    }

    public boolean kafkaLibBuilt() {
        if (!Files.isDirectory(kafkaLib())) {
            return false;
        }
        try (Stream<Path> files = Files.list(kafkaLib())) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code ./mvnw -q -pl MODULES -am package -DskipTests} with the JDK running ilctl; output into {@code log}. */
    public void build(List<String> modules, Path log) {
        List<String> command = List.of(root.resolve("mvnw").toString(), "-q", "-B", "-pl", String.join(",", modules), "-am",
                "package", "-DskipTests");
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process build = builder.start();
            if (!build.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                build.destroyForcibly();
                throw IlctlException.stack("Build did not finish within " + BUILD_TIMEOUT.toMinutes() + " min: " + String.join(" ", command)
                        + "\nlog: " + log);
            }
            if (build.exitValue() != 0) {
                throw IlctlException.stack("Build failed (exit " + build.exitValue() + "): " + String.join(" ", command)
                        + "\nlast lines of " + log + ":\n" + Logs.tail(log, 25));
            }
        } catch (IOException e) {
            throw IlctlException.stack("Cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IlctlException.stack("Interrupted while building");
        }
    }
}
