package io.imagelib.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The house rules for contracts: one named type per file named after it, docs everywhere, enums with a default. */
class AvroHygieneTest {

    private final SchemaSet current = SchemaSet.parse("current", Path.of("src/main/avro"));

    @Test
    void eachFileHoldsTheNamedTypeItIsNamedAfter() {
        current.files().forEach((fullName, file) ->
                assertThat(file.getFileName().toString()).isEqualTo(fullName.substring(fullName.lastIndexOf('.') + 1) + ".avsc"));
        assertThat(current.byFullName()).allSatisfy((name, schema) -> assertThat(schema.getNamespace()).isEqualTo("io.imagelib.avro"));
    }

    @Test
    void everyTypeAndFieldIsDocumentedAndEveryEnumHasADefaultSymbol() {
        List<String> problems = new ArrayList<>();
        current.byFullName().forEach((name, schema) -> {
            if (schema.getDoc() == null || schema.getDoc().isBlank()) {
                problems.add(name + " has no doc");
            }
            if (schema.getType() == Schema.Type.ENUM && schema.getEnumDefault() == null) {
                problems.add(name + " has no default symbol (readers would fail on a new symbol)");
            }
            if (schema.getType() == Schema.Type.RECORD) {
                schema.getFields().stream()
                        .filter(f -> f.doc() == null || f.doc().isBlank())
                        .forEach(f -> problems.add(name + "." + f.name() + " has no doc"));
            }
        });
        assertThat(problems).isEmpty();
    }
}
