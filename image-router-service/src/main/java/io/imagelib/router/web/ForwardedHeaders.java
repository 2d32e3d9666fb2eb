package io.imagelib.router.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpHeaders;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * End-to-end headers pass through untouched in both directions (X-Auth-Token and the trusted-auth headers
 * included; they are never logged). Hop-by-hop headers and the router's own region header stay behind.
 */
final class ForwardedHeaders {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "host", "content-length", "expect", "date");
    private static final Set<String> RANGE = Set.of("range", "if-range");
    private static final String REGION = "x-imagelib-region";

    private ForwardedHeaders() {
    }

    /**
     * @param replaceRange true when the router sets its own Range (resuming a download)
     * @param to           takes each forwarded header (name, value)
     */
    static void toUpstream(HttpServletRequest from, boolean replaceRange, BiConsumer<String, String> to) {
        for (String name : Collections.list(from.getHeaderNames())) {
            if (!toUpstream(name, replaceRange)) {
                continue;
            }
            for (String value : Collections.list(from.getHeaders(name))) {
                to.accept(name, value);
            }
        }
    }

    /** Whether a client request header goes upstream. */
    static boolean toUpstream(String name, boolean replaceRange) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(lower) && !lower.equals(REGION) && !(replaceRange && RANGE.contains(lower));
    }

    /** Whether an upstream response header goes to the client (Content-Length does: the body is relayed as it is). */
    static boolean toClient(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !lower.startsWith(":") && (!HOP_BY_HOP.contains(lower) || lower.equals("content-length"));
    }

    static void toClient(HttpHeaders from, HttpServletResponse to) {
        from.map().forEach((name, values) -> {
            if (!toClient(name)) {
                return;
            }
            values.forEach(value -> to.addHeader(name, value));
        });
    }
}
