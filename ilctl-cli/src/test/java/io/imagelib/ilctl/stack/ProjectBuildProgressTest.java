package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProjectBuildProgressTest {

    @Test
    void mavensModuleHeaderBecomesOneProgressLineNamedBeforeTheColon() {
        assertThat(Project.moduleStarting("[INFO] Building schemas: Avro contracts, topic catalogue, serdes, schema-registry client "
                + "0.1.0-SNAPSHOT [2/4]")).contains("schemas (2/4)");
        assertThat(Project.moduleStarting("[INFO] Building ilctl: command line for the image library (pcdctl-style endpoints, roles, "
                + "events) and the local stack 0.1.0-SNAPSHOT [4/4]")).contains("ilctl (4/4)");
        assertThat(Project.moduleStarting("[INFO] Building Image Library HA 0.1.0-SNAPSHOT                           [1/4]"))
                .contains("Image Library HA (1/4)");
    }

    @Test
    void everyOtherLineIsNotProgress() {
        assertThat(Project.moduleStarting("[INFO] Building jar: /repo/role-service/target/role-service-0.1.0-SNAPSHOT.jar")).isEmpty();
        assertThat(Project.moduleStarting("[INFO] --- compiler:3.14.1:compile (default-compile) @ role-service ---")).isEmpty();
        assertThat(Project.moduleStarting("[INFO] ------------------------< io.imagelib:schemas >-------------------------")).isEmpty();
        assertThat(Project.moduleStarting("[ERROR] Building schemas 0.1.0-SNAPSHOT [2/4]")).isEmpty();
    }
}
