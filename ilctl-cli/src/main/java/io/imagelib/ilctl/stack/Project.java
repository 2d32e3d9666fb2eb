package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.deploy.local.ProcessLog;
import io.imagelib.ilctl.IlctlException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** The module's executable jar, if built. */
    public Optional<Path> jar(String module) {
        return ServiceModule.executableJar(root, module);
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

    /**
     * Maven's line as each module starts, {@code [INFO] Building <name> <version> [4/9]}; our module names read
     * {@code role-service: what it is}, and the part before the colon is what we show.
     */
    private static final Pattern MODULE_STARTS = Pattern.compile("^\\[INFO\\] Building ([^:]+?)(?:: .*)? \\S+\\s+\\[(\\d+)/(\\d+)\\]\\s*$");

    /**
     * {@code ./mvnw -B -pl MODULES -am package -DskipTests} with the JDK running ilctl: its output into {@code log},
     * and one line per module to {@code progress} as the build reaches it ("role-service (4/9)").
     */
    public void build(List<String> modules, Path log, Consumer<String> progress) {
        List<String> command = List.of(root.resolve("mvnw").toString(), "-B", "-ntp", "-pl", String.join(",", modules), "-am",
                "package", "-DskipTests");
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process build = builder.start();
            Thread copy = Thread.ofVirtual().start(() -> copyOutput(build, log, progress));
            if (!build.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                build.destroyForcibly();
                throw IlctlException.stack("Build did not finish within " + BUILD_TIMEOUT.toMinutes() + " min: " + String.join(" ", command)
                        + "\nlog: " + log);
            }
            copy.join();
            if (build.exitValue() != 0) {
                throw IlctlException.stack("Build failed (exit " + build.exitValue() + "): " + String.join(" ", command)
                        + "\nlast lines of " + log + ":\n" + ProcessLog.tail(log, 25));
            }
        } catch (IOException e) {
            throw IlctlException.stack("Cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IlctlException.stack("Interrupted while building");
        }
    }

    private static void copyOutput(Process build, Path log, Consumer<String> progress) {
        try (BufferedReader lines = build.inputReader();
             Writer out = Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line; (line = lines.readLine()) != null; ) {
                out.write(line);
                out.write('\n');
                moduleStarting(line).ifPresent(progress);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the build output into " + log, e);
        }
    }

    /** "role-service (4/9)" for Maven's line announcing that module, empty for every other line. */
    static Optional<String> moduleStarting(String mavenLine) {
        Matcher matcher = MODULE_STARTS.matcher(mavenLine);
        return matcher.matches()
                ? Optional.of(matcher.group(1) + " (" + matcher.group(2) + "/" + matcher.group(3) + ")")
                : Optional.empty();
    }
}
