package io.imagelib.endpoint.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The election stays a pure function: no Spring, no Kafka, no Avro wire types, no clock reads in the domain package. */
class DomainArchitectureTest {

    @Test
    void domainDependsOnNeitherSpringNorKafkaNorTheWireFormatNorTheClock() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.imagelib.endpoint.domain");
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                        "org.apache.avro..", "io.imagelib.avro..")
                .check(classes);
        noClasses().should().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .check(classes);
    }
}
