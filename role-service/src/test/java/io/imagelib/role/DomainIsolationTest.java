package io.imagelib.role;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The rules stay a pure function: the domain knows neither Spring, nor Kafka, nor Avro, nor the network. */
class DomainIsolationTest {

    @Test
    void domainDependsOnNoFrameworkOrIo() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.imagelib.role");
        noClasses().that().resideInAPackage("io.imagelib.role.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                        "org.apache.avro..", "io.imagelib.avro..", "java.net.http..", "io.micrometer..")
                .check(classes);
    }
}
