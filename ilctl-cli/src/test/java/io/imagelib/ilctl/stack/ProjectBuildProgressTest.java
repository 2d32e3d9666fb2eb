package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProjectBuildProgressTest {

    @Test
    void mavensModuleHeaderBecomesOneProgressLine() {
        assertThat(Project.moduleStarting("[INFO] Building role-service 0.1.0-SNAPSHOT                                [4/9]"))
                .contains("role-service (4/9)");
        assertThat(Project.moduleStarting("[INFO] Building Image Library HA 0.1.0-SNAPSHOT                           [1/9]"))
                .as("a name with spaces is not a module id").isEmpty();
    }

    @Test
    void everyOtherLineIsNotProgress() {
        assertThat(Project.moduleStarting("[INFO] Building jar: /repo/role-service/target/role-service-0.1.0-SNAPSHOT.jar")).isEmpty();
        assertThat(Project.moduleStarting("[INFO] --- compiler:3.14.1:compile (default-compile) @ role-service ---")).isEmpty();
        assertThat(Project.moduleStarting("[ERROR] Building role-service 0.1.0-SNAPSHOT [4/9]")).isEmpty();
    }
}
