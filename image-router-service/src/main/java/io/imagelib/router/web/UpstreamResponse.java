package io.imagelib.router.web;

import java.io.InputStream;
import java.net.http.HttpHeaders;

/**
 * An upstream answer whose body is still to be read, whichever client fetched it; closing the body releases the
 * connection.
 */
record UpstreamResponse(int status, HttpHeaders headers, InputStream body) {

    String header(String name) {
        return headers.firstValue(name).orElse(null);
    }
}
