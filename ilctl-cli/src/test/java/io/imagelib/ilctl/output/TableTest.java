package io.imagelib.ilctl.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    /** The seed's example, as its pcdctl printed it (the seed's copy collapsed the cells' padding, not the rules). */
    static final String SEED_RULE =
            "+----------------------------------+--------+--------------+--------------+---------+-----------+----------------------------+";
    static final String SEED_HEADER = "| ID | Region | Service Name | Service Type | Enabled | Interface | URL |";
    static final String SEED_ROW = "| 4bf27ff9f8a146d59dcce04bcedb7mz0 | SJC | glance | image | True | admin | https:__111.11.33.138:9494 |";

    static final Table SEED = new Table(EndpointTable.COLUMNS, List.of(
            List.of("4bf27ff9f8a146d59dcce04bcedb7mz0", "SJC", "glance", "image", true, "admin", "https:__111.11.33.138:9494")));

    @Test
    void rendersTheSeedsEndpointTableWithItsExactRules() {
        List<String> lines = SEED.render(OutputFormat.table).lines().toList();

        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo(SEED_RULE);
        assertThat(lines.get(2)).isEqualTo(SEED_RULE);
        assertThat(lines.get(4)).isEqualTo(SEED_RULE);
        assertThat(collapse(lines.get(1))).isEqualTo(SEED_HEADER);
        assertThat(collapse(lines.get(3))).isEqualTo(SEED_ROW);
        assertThat(lines).allSatisfy(line -> assertThat(line).hasSameSizeAs(SEED_RULE));
    }

    @Test
    void padsCellsLeftAlignedWithOneSpaceInsideEachBorder() {
        assertThat(SEED.render(OutputFormat.table).lines().toList().get(1)).isEqualTo(
                "| ID                               | Region | Service Name | Service Type | Enabled | Interface | URL                        |");
        assertThat(SEED.render(OutputFormat.table).lines().toList().get(3)).isEqualTo(
                "| 4bf27ff9f8a146d59dcce04bcedb7mz0 | SJC    | glance       | image        | True    | admin     | https:__111.11.33.138:9494 |");
    }

    @Test
    void jsonKeysAreTheColumnNamesAndBooleansStayBooleans() {
        assertThat(SEED.render(OutputFormat.json)).isEqualToIgnoringWhitespace("""
                [ {
                  "ID" : "4bf27ff9f8a146d59dcce04bcedb7mz0",
                  "Region" : "SJC",
                  "Service Name" : "glance",
                  "Service Type" : "image",
                  "Enabled" : true,
                  "Interface" : "admin",
                  "URL" : "https:__111.11.33.138:9494"
                } ]""");
    }

    @Test
    void yamlIsAListOfMapsKeyedByColumn() {
        assertThat(SEED.render(OutputFormat.yaml)).isEqualTo("""
                - ID: 4bf27ff9f8a146d59dcce04bcedb7mz0
                  Region: SJC
                  Service Name: glance
                  Service Type: image
                  Enabled: true
                  Interface: admin
                  URL: https:__111.11.33.138:9494
                """);
    }

    @Test
    void valuePrintsOneRowPerLineSpaceSeparated() {
        Table two = new Table(List.of("ID", "URL"), List.of(List.of("a1", "http://h1:9292"), List.of("b2", "http://h2:9292")));

        assertThat(two.render(OutputFormat.value)).isEqualTo("a1 http://h1:9292\nb2 http://h2:9292\n");
        assertThat(SEED.render(OutputFormat.value)).isEqualTo(
                "4bf27ff9f8a146d59dcce04bcedb7mz0 SJC glance image True admin https:__111.11.33.138:9494\n");
    }

    @Test
    void anEmptyListPrintsNothingAsTableAndValueButAnEmptyListAsJsonAndYaml() {
        Table empty = new Table(EndpointTable.COLUMNS, List.of());

        assertThat(empty.render(OutputFormat.table)).isEmpty();
        assertThat(empty.render(OutputFormat.value)).isEmpty();
        assertThat(empty.render(OutputFormat.json).strip()).isEqualTo("[ ]");
        assertThat(empty.render(OutputFormat.yaml).strip()).isEqualTo("[]");
    }

    @Test
    void nullCellsAreEmptyAndFalseIsPythonStyle() {
        Table table = new Table(List.of("A", "B"), List.of(java.util.Arrays.asList(null, false)));

        assertThat(table.render(OutputFormat.table)).contains("|   | False |");
    }

    private static String collapse(String line) {
        return line.replaceAll(" +", " ");
    }
}
