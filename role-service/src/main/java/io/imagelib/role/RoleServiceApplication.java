package io.imagelib.role;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Assigns and removes the image-library role; its only state is the compacted host-roles topic. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RoleServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(RoleServiceApplication.class, args);
    }
}
