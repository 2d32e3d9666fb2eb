package io.imagelib.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CompatibilityGuardTest {

    private static final Path CURRENT = Path.of("src/main/avro");
    private static final Path RELEASED = Path.of("released");

    @Test
    void todaysSchemasReadEverythingEveryReleaseWrote() throws IOException {
        List<SchemaSet> released = releases();
        assertThat(released).as("released schema sets under %s", RELEASED).isNotEmpty();

        List<String> breaks = CompatibilityGuard.check(SchemaSet.parse("current", CURRENT), released);

        assertThat(breaks).as("Schema changes must be BACKWARD_TRANSITIVE compatible:%n%s", String.join("\n", breaks))
                .isEmpty();
    }

    @Test
    void theGuardRefusesARequiredFieldWithoutDefaultAndNamesIt() throws IOException {
        // The fixture holds only HostHealth (and the enum it uses): the other types count as removed, see below.
        SchemaSet broken = SchemaSet.parse("fixture", Path.of("src/test/resources/compat/incompatible"));

        List<String> breaks = CompatibilityGuard.check(broken, releases());

        assertThat(breaks).contains("io.imagelib.avro.HostHealth cannot read data written by release 0.1.0: "
                + "READER_FIELD_MISSING_DEFAULT_VALUE at /fields/8, field 'zone' (zone)");
    }

    @Test
    void aRemovedTypeIsABreak() throws IOException {
        SchemaSet onlyHealth = SchemaSet.parse("fixture", Path.of("src/test/resources/compat/incompatible"));

        assertThat(CompatibilityGuard.check(onlyHealth, releases()))
                .contains("io.imagelib.avro.HostRole: removed, but release 0.1.0 wrote it");
    }

    private static List<SchemaSet> releases() throws IOException {
        try (Stream<Path> dirs = Files.list(RELEASED)) {
            return dirs.filter(Files::isDirectory).sorted()
                    .map(dir -> SchemaSet.parse(dir.getFileName().toString(), dir)).toList();
        }
    }
}
