package io.imagelib.catalogsync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.imagelib.catalogsync", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainIsPure = noClasses().that().resideInAPackage("..catalogsync.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                    "java.net..", "io.imagelib.avro..", "io.micrometer..");

    /** The generated Avro types stop at the Kafka edge (and the wiring that plugs it in). */
    @ArchTest
    static final ArchRule avroStaysAtTheKafkaEdge = noClasses().that()
            .resideOutsideOfPackages("..catalogsync.kafka..", "..catalogsync.config..")
            .should().dependOnClassesThat().resideInAnyPackage("io.imagelib.avro..", "org.apache.avro..");

    @ArchTest
    static final ArchRule keystoneClientKnowsNothingOfKafkaOrSpring = noClasses().that()
            .resideInAPackage("..catalogsync.keystone..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..");
}
