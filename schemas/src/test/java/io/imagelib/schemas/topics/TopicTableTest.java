package io.imagelib.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/architecture.md's topic table is the catalogue, row for row. */
class TopicTableTest {

    private static final Path ARCHITECTURE = Path.of("../docs/architecture.md");

    @Test
    void theDocumentedTopicTableMatchesTheCatalogue() throws Exception {
        String doc = Files.readString(ARCHITECTURE);
        String table = doc.substring(doc.indexOf("<!-- topic-table:start -->"), doc.indexOf("<!-- topic-table:end -->"));
        List<String> documented = table.lines().filter(line -> line.startsWith("| imagelib.")).toList();

        List<String> expected = Topics.ALL.stream()
                .map(t -> "| " + t.name() + " | " + t.keyMeaning() + " | " + t.valueType().getSimpleName() + " | "
                        + t.cleanupPolicy().configValue() + " | " + t.partitions() + " |")
                .toList();

        assertThat(documented).as("rows of the topic table in %s", ARCHITECTURE).isEqualTo(expected);
    }

    @Test
    void stateTopicsAreCompactedAndKeyedByHostOrRegion() {
        assertThat(List.of(Topics.HOST_ROLES, Topics.HOST_HEALTH, Topics.ADMIN_ENDPOINT, Topics.REGION_ENDPOINTS))
                .allSatisfy(t -> {
                    assertThat(t.compacted()).as(t.name()).isTrue();
                    assertThat(t.keyMeaning()).isIn("hostId", "region");
                });
        assertThat(Topics.ALL).extracting(TopicSpec::name).doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(name).startsWith("imagelib."));
    }
}
