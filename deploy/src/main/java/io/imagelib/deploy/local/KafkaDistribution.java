package io.imagelib.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The broker's jars, copied by the deploy module's build into {@code deploy/target/kafka/lib}: kafka_2.13, the
 * clients, a log4j2 binding and their runtime dependencies, all at the Kafka version Spring Boot manages.
 *
 * @param libDir directory holding the jars
 */
public record KafkaDistribution(Path libDir) {

    /** System property naming the lib directory; the build sets it for integration tests. */
    public static final String LIB_PROPERTY = "imagelib.kafka.lib";

    public KafkaDistribution {
        libDir = libDir.toAbsolutePath().normalize();
        if (!containsBroker(libDir)) {
            throw new IllegalStateException("No Kafka broker jar (kafka_2.13-*.jar) in " + libDir
                    + ". Build it with: ./mvnw -pl deploy -am package -DskipTests");
        }
    }

    /** From {@value #LIB_PROPERTY}, else {@code deploy/target/kafka/lib} or {@code target/kafka/lib} above the working directory. */
    public static KafkaDistribution locate() {
        String configured = System.getProperty(LIB_PROPERTY);
        if (configured != null) {
            return new KafkaDistribution(Path.of(configured));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir.resolve("deploy/target/kafka/lib"), dir.resolve("target/kafka/lib")}) {
                if (containsBroker(candidate)) {
                    return new KafkaDistribution(candidate);
                }
            }
        }
        throw new IllegalStateException("Kafka broker jars not found under " + Path.of("").toAbsolutePath()
                + " or its parents. Build them with: ./mvnw -pl deploy -am package -DskipTests"
                + " (or pass -D" + LIB_PROPERTY + "=DIR / --lib DIR)");
    }

    /** Class path for {@code java -cp}. */
    public String classpath() {
        return libDir.resolve("*").toString();
    }

    private static boolean containsBroker(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }
}
