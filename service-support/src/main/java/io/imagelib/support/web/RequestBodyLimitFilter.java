package io.imagelib.support.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses oversized control-plane requests (413 problem+json) before the JSON parser sees them. Chunked bodies
 * without a length are counted by the servlet container's own limit.
 */
public final class RequestBodyLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;

    public RequestBodyLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > maxBytes) {
            ProblemResponses.write(response, Problems.detail(HttpStatus.CONTENT_TOO_LARGE, "body-too-large",
                    "Request body too large",
                    "The body has " + length + " bytes; this API accepts at most " + maxBytes + " bytes."));
            return;
        }
        chain.doFilter(request, response);
    }
}
