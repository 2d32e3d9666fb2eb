package io.imagelib.endpoint.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The election stays a pure function: no Spring, no Kafka, no clock reads in the domain package. */
class DomainArchitectureTest {

    @Test
    void domainDependsOnNeitherSpringNorKafkaNorTheClock() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.imagelib.endpoint.domain");
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..")
                .check(classes);
        noClasses().should().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .check(classes);
    }
}
