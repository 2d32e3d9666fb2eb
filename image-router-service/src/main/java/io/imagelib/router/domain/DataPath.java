package io.imagelib.router.domain;

import java.util.Optional;

/**
 * How the data plane moves one response body to the client. Splice(2) moves bytes socket -> pipe -> socket in the
 * kernel, so it can only relay a body whose bytes go out exactly as they come in and whose end it knows in advance:
 * plain HTTP framed by Content-Length. Anything else is copied through user space and counted.
 */
public enum DataPath {
    /** No body (204, 304): the head alone. */
    NONE,
    /** Content-Length framed, plain HTTP: spliced. */
    SPLICE,
    /** TLS to the host: the bytes must be decrypted. */
    COPY_TLS,
    /** Transfer-Encoding: chunked: the end is only found by parsing the chunks. */
    COPY_CHUNKED,
    /** Neither length nor chunks: the body ends when the host closes, which splice cannot tell from a break. */
    COPY_UNTIL_CLOSE;

    /**
     * @param status        the answer's status (>= 200)
     * @param contentLength its Content-Length, -1 if absent
     */
    public static DataPath of(int status, long contentLength, boolean chunked, boolean tls) {
        if (status == 204 || status == 304) {
            return NONE;
        }
        if (tls) {
            return COPY_TLS;
        }
        if (chunked) {
            return COPY_CHUNKED;
        }
        return contentLength >= 0 ? SPLICE : COPY_UNTIL_CLOSE;
    }

    /** The fallback counter's reason, empty when nothing is copied. */
    public Optional<String> copyReason() {
        return switch (this) {
            case NONE, SPLICE -> Optional.empty();
            case COPY_TLS -> Optional.of("tls");
            case COPY_CHUNKED -> Optional.of("chunked");
            case COPY_UNTIL_CLOSE -> Optional.of("until-close");
        };
    }
}
