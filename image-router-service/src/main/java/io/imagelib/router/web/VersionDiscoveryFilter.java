package io.imagelib.router.web;

import io.imagelib.router.domain.VersionRequest;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/** Answers version-discovery requests with {@link VersionDocuments}; any other request passes on unchanged. */
public final class VersionDiscoveryFilter extends HttpFilter {

    private final transient VersionDocuments documents;

    public VersionDiscoveryFilter(VersionDocuments documents) {
        this.documents = documents;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<VersionRequest> discovery = VersionRequest.of(request.getRequestURI());
        if (discovery.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        documents.answer(discovery.get(), request, response);
    }
}
