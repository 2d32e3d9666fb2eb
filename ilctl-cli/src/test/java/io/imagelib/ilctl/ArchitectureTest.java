package io.imagelib.ilctl;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Layers of the CLI: formatting is pure, and only the command layer knows picocli. */
@AnalyzeClasses(packages = "io.imagelib.ilctl", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule outputIsPureFormatting = noClasses().that().resideInAPackage("io.imagelib.ilctl.output..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "picocli..", "java.net..",
                    "io.imagelib.ilctl.stack..", "io.imagelib.ilctl.http..", "io.imagelib.ilctl.events..");

    @ArchTest
    static final ArchRule onlyCommandsKnowPicocli = noClasses().that().resideOutsideOfPackages("io.imagelib.ilctl.command..")
            .and().doNotHaveFullyQualifiedName(Ilctl.class.getName())
            .should().dependOnClassesThat().resideInAPackage("picocli..");

    @ArchTest
    static final ArchRule noSpringInTheCli = noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..");
}
