package io.imagelib.support.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns {@code Authorization: Bearer <token>} (or OpenStack's {@code X-Auth-Token: <token>}) into an authenticated
 * principal with ROLE_<role> authorities: a configured token first, else a Keystone token when validation is on.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private static final String PREFIX = "Bearer ";
    private final BearerTokens tokens;
    private final Optional<KeystoneTokenValidator> keystone;

    BearerTokenFilter(BearerTokens tokens, Optional<KeystoneTokenValidator> keystone) {
        this.tokens = tokens;
        this.keystone = keystone;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        presentedToken(request)
                .flatMap(token -> tokens.lookup(token).or(() -> keystone.flatMap(k -> k.validate(token))))
                .ifPresent(principal -> {
                    var authorities = principal.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList();
                    SecurityContextHolder.getContext().setAuthentication(
                            UsernamePasswordAuthenticationToken.authenticated(principal.name(), null, authorities));
                });
        chain.doFilter(request, response);
    }

    private static Optional<String> presentedToken(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Optional.of(header.substring(PREFIX.length()).strip()).filter(t -> !t.isEmpty());
        }
        return Optional.ofNullable(request.getHeader("X-Auth-Token")).map(String::strip).filter(t -> !t.isEmpty());
    }
}
