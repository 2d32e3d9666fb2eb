package io.imagelib.monitor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Probes the image-library hosts this instance owns and publishes their health transitions to imagelib.host-health. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HostMonitorApplication {

    public static void main(String[] args) {
        SpringApplication.run(HostMonitorApplication.class, args);
    }
}
