package io.imagelib.router;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class ImageRouterApplication {

    public static void main(String[] args) {
        SpringApplication.run(ImageRouterApplication.class, args);
    }
}
