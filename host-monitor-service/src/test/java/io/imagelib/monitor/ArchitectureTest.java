package io.imagelib.monitor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.imagelib.monitor", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Decisions stay pure: no framework, no broker, no Avro wire types in the state machine. */
    @ArchTest
    static final ArchRule domainIsPure = noClasses().that().resideInAPackage("..monitor.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                    "io.imagelib.avro..", "java.net..");

    /** Probing runs without Spring or Kafka, so the benchmark drives exactly the production prober. */
    @ArchTest
    static final ArchRule probingHasNoSpringOrKafka = noClasses().that().resideInAPackage("..monitor.probe..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..");
}
