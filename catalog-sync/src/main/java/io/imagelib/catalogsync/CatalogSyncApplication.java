package io.imagelib.catalogsync;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Keeps the Keystone catalog's glance admin endpoint on the admin host that endpoint-service decided. */
@SpringBootApplication
public class CatalogSyncApplication {

    public static void main(String[] args) {
        SpringApplication.run(CatalogSyncApplication.class, args);
    }
}
