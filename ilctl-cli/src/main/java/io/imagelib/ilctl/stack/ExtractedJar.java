package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.JavaCommand;
import io.imagelib.deploy.local.LocalResources;
import io.imagelib.deploy.local.ProcessLog;
import io.imagelib.ilctl.IlctlException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spring Boot jar extracted with {@code java -Djarmode=tools -jar app.jar extract} (Boot's production layout: the
 * application jar plus {@code lib/} on a plain class path).
 *
 * <p>Why not {@code java -jar} on the fat jar: there, application classes live in Boot's nested-jar class loader, which
 * only threads started by the application inherit. Work done on JDK-owned threads (the common ForkJoinPool that runs
 * HttpClient callbacks, for example) sees the system class loader, and a Kafka producer first created there cannot load
 * the serializer classes its configuration names. Extracted, every class is on the system class path, as in the
 * services' own tests. It also starts faster.
 */
final class ExtractedJar {

    private static final String SOURCE_FILE = ".extracted-from";

    private ExtractedJar() {
    }

    /** The runnable jar under {@code into}, extracting {@code bootJar} again when it changed since the last time. */
    static Path of(Path bootJar, Path into, Path log) {
        String source = bootJar.toAbsolutePath() + " " + modified(bootJar);
        Path runnable = into.resolve(bootJar.getFileName());
        Path sourceFile = into.resolve(SOURCE_FILE);
        try {
            if (Files.isRegularFile(runnable) && Files.isRegularFile(sourceFile) && Files.readString(sourceFile).equals(source)) {
                return runnable;
            }
            LocalResources.deleteTree(into);
            Files.createDirectories(log.getParent());
            Process extract = new ProcessBuilder(List.of(JavaCommand.java(), "-Djarmode=tools", "-jar", bootJar.toString(),
                    "extract", "--destination", into.toString()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!extract.waitFor(2, TimeUnit.MINUTES) || extract.exitValue() != 0 || !Files.isRegularFile(runnable)) {
                extract.destroyForcibly();
                throw IlctlException.stack("Cannot extract " + bootJar + "; last lines of " + log + ":\n" + ProcessLog.tail(log, 20));
            }
            Files.writeString(sourceFile, source);
            return runnable;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract " + bootJar + " into " + into, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IlctlException.stack("Interrupted while extracting " + bootJar);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
