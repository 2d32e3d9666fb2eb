package io.imagelib.role;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The rules stay a pure function: the domain knows neither Spring, nor Kafka, nor Avro, nor the network. */
class DomainIsolationTest {

    @Test
    void domainDependsOnNoFrameworkOrIo() throws Exception {
        // import this module's classes directory only; scanning every jar of the classpath for the package is slow
        Path mainClasses = Path.of(RoleServiceApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPath(mainClasses);
        noClasses().that().resideInAPackage("io.imagelib.role.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                        "org.apache.avro..", "io.imagelib.avro..", "java.net.http..", "io.micrometer..")
                .check(classes);
    }
}
