package io.imagelib.endpoint;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Elects each region's admin (upload) endpoint and serves the pcdctl-style endpoint list/set API. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EndpointServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(EndpointServiceApplication.class, args);
    }
}
