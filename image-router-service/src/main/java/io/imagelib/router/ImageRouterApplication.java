package io.imagelib.router;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class ImageRouterApplication {

    /** Upstream read buffer of the JDK HttpClient (default 16 KB): each buffer is one hand-off between threads. */
    static final String HTTP_CLIENT_BUFFER = "jdk.httpclient.bufsize";

    public static void main(String[] args) {
        useLargeUpstreamBuffers();
        SpringApplication.run(ImageRouterApplication.class, args);
    }

    /** Must run before the first HttpClient is built (the JDK reads it once); an explicit -D wins. */
    public static void useLargeUpstreamBuffers() {
        if (System.getProperty(HTTP_CLIENT_BUFFER) == null) {
            System.setProperty(HTTP_CLIENT_BUFFER, Integer.toString(256 * 1024));
        }
    }
}
